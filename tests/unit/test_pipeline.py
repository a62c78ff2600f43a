"""core.pipeline.ahead: what the producing thread yields arrives in order, its errors arrive where
its items would have, and the thread never outlives the block."""
from __future__ import annotations

import gc
import threading

import pytest
from flask import current_app

from dmp_registry.core.pipeline import ahead, forked


def _threads() -> set[str]:
    return {t.name for t in threading.enumerate() if t.name == "ahead"}


def test_items_arrive_in_order_from_a_thread_with_its_own_app_context(app):
    seen = []

    def produce():
        seen.append((threading.current_thread().name, current_app.name))
        yield from range(50)

    with app.app_context(), ahead(produce, depth=3) as items:
        assert list(items) == list(range(50))
    assert seen == [("ahead", app.name)]
    assert not _threads()


def test_an_error_in_the_thread_is_raised_in_the_consumer_after_the_items_before_it(app):
    def produce():
        yield 1
        yield 2
        raise ValueError("broken record")

    got = []
    with app.app_context(), pytest.raises(ValueError, match="broken record"):
        with ahead(produce) as items:
            for item in items:
                got.append(item)
    assert got == [1, 2]
    assert not _threads()


def test_a_consumer_that_fails_or_stops_early_stops_the_thread(app):
    produced = []

    def produce():
        for i in range(10_000):
            produced.append(i)
            yield i

    with app.app_context(), pytest.raises(RuntimeError):
        with ahead(produce, depth=2) as items:
            for item in items:
                if item == 3:
                    raise RuntimeError("write failed")
    assert not _threads()
    assert len(produced) < 10  # stopped a few items ahead, not run to the end

    with app.app_context(), ahead(produce, depth=2) as items:
        assert next(items) == 0
    assert not _threads()


# ---- forked: a producer in a child process -------------------------------------------------
def _forked_children() -> list:
    import multiprocessing

    return [p for p in multiprocessing.active_children() if p.name == "forked"]


def test_forked_items_arrive_in_order_from_another_process():
    import os

    parent = os.getpid()

    def produce():
        for i in range(2_000):  # more than the pipe and the queue hold: the child waits for the reader
            yield os.getpid(), i, [f"s{i}", ("lit", None, "dt")], {"k": b"v"}

    with forked(produce, depth=2) as items:
        got = list(items)
    assert [i for _pid, i, _l, _d in got] == list(range(2_000))
    assert {pid for pid, *_rest in got} != {parent}
    assert got[7][2:] == (["s7", ("lit", None, "dt")], {"k": b"v"})
    assert not _forked_children() and not [t for t in threading.enumerate() if t.name == "forked-reader"]


class _Unpicklable(Exception):
    def __reduce__(self):
        raise TypeError("not picklable")


@pytest.mark.parametrize("error, expected, match", [
    (SyntaxError("bad token at line 9"), SyntaxError, "bad token at line 9"),
    (_Unpicklable("odd failure"), RuntimeError, "_Unpicklable: odd failure"),
])
def test_an_error_in_the_child_is_raised_here_after_the_items_before_it(error, expected, match):
    def produce():
        yield 1
        yield 2
        raise error

    got = []
    with pytest.raises(expected, match=match):
        with forked(produce) as items:
            for item in items:
                got.append(item)
    assert got == [1, 2]
    assert not _forked_children()


def test_a_consumer_that_stops_early_ends_the_child():
    def produce():
        while True:
            yield "x" * 10_000

    with forked(produce, depth=2) as items:
        assert next(items) == "x" * 10_000
        assert len(_forked_children()) == 1
    assert not _forked_children()


def test_a_child_that_dies_is_an_error_not_a_short_stream():
    import os
    import signal

    def produce():
        yield "first"
        os.kill(os.getpid(), signal.SIGKILL)
        yield "never"

    with pytest.raises(RuntimeError, match="ended unexpectedly"):
        with forked(produce) as items:
            assert next(items) == "first"
            next(items)


def test_a_child_that_hangs_is_an_error_after_the_stall_time():
    import time

    def produce():
        yield "first"
        time.sleep(3600)  # alive and silent
        yield "never"

    started = time.monotonic()
    with pytest.raises(RuntimeError, match="sent nothing for 0.5 s"):
        with forked(produce, stall=0.5) as items:
            assert next(items) == "first"
            next(items)
    assert time.monotonic() - started < 4
    assert not _forked_children()


def test_a_slow_consumer_is_not_a_stalled_child():
    """The stall time counts only while we wait for the child, not while the child waits for us."""
    import time

    def produce():
        yield from range(6)

    got = []
    with forked(produce, depth=1, stall=0.2) as items:
        for item in items:
            time.sleep(0.1)  # 0.6 s in all, beyond the stall time
            got.append(item)
    assert got == list(range(6))


def test_the_child_does_not_inherit_a_graceful_stop_handler():
    """A server's SIGTERM handler (finish the current request) must not keep a child alive that
    the consumer has left: the child takes the default action again."""
    import signal
    import time

    def produce():
        while True:
            yield "x"

    previous = signal.signal(signal.SIGTERM, lambda *_args: None)
    try:
        started = time.monotonic()
        with forked(produce, depth=1) as items:
            assert next(items) == "x"
        assert time.monotonic() - started < 4  # ended by SIGTERM, not by the kill after the grace period
        assert not _forked_children()
    finally:
        signal.signal(signal.SIGTERM, previous)


def test_what_the_child_inherits_is_frozen_out_of_its_collections():
    """A producer that turns collection back on (the embedded rebuild's does) must not walk the
    parent's heap: what the child inherited is in the permanent generation (which get_objects
    does not list), and what the producer makes afterwards is still collected."""
    inherited = []
    assert any(o is inherited for o in gc.get_objects())  # tracked, not frozen, here

    def produce():
        visible = any(o is inherited for o in gc.get_objects())
        gc.enable()
        cycle = []
        cycle.append(cycle)
        del cycle
        yield visible, gc.collect()

    with forked(produce) as items:
        [(visible, collected)] = list(items)
    assert not visible
    assert collected >= 1
