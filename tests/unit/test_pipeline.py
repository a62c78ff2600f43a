"""core.pipeline.ahead: what the producing thread yields arrives in order, its errors arrive where
its items would have, and the thread never outlives the block."""
from __future__ import annotations

import threading

import pytest
from flask import current_app

from dmp_registry.core.pipeline import ahead


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
