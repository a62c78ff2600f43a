"""The feed's garbage-collector pause: overlapping streams on several threads never leave the
collector off, whichever ends first (an earlier version could: a stream that began while another
had the collector off remembered "off" and never turned it back on)."""
from __future__ import annotations

import gc
import threading

import pytest

from dmp_registry.core import gc_pause


def _stream_in_thread(entered: threading.Event, release: threading.Event, done: threading.Event):
    def pieces():
        entered.set()
        assert release.wait(5)
        yield "piece"

    def run():
        list(gc_pause.gc_paused(pieces()))
        done.set()

    thread = threading.Thread(target=run)
    thread.start()
    assert entered.wait(5)
    return thread


@pytest.mark.parametrize("first_to_end", ["a", "b"])
def test_overlapping_streams_leave_the_collector_on(first_to_end):
    assert gc.isenabled()
    events = {name: (threading.Event(), threading.Event(), threading.Event()) for name in "ab"}
    threads = {name: _stream_in_thread(*events[name]) for name in "ab"}  # both inside a piece now
    assert not gc.isenabled()
    for name in (first_to_end, "b" if first_to_end == "a" else "a"):
        _entered, release, done = events[name]
        release.set()
        assert done.wait(5)
        threads[name].join(5)
    assert gc.isenabled() and gc_pause._pauses == 0


def test_the_collector_runs_between_pieces():
    seen = [gc.isenabled() for _ in gc_pause.gc_paused(iter(range(3)))]
    assert seen == [True, True, True] and gc.isenabled()


def test_a_collector_turned_off_elsewhere_stays_off():
    gc.disable()
    try:
        list(gc_pause.gc_paused(iter(range(2))))
        assert not gc.isenabled()
    finally:
        gc.enable()
