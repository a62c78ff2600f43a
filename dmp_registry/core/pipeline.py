"""Produce in a thread, consume in the caller: overlap Python work with database work.

The database drivers release the GIL while a statement runs, so a thread building the next batch
(Python) and the caller writing the previous one (SQLite or PostgreSQL) use both cores. The thread
gets its own application context, hence its own session and connection: the caller's connection
and transaction stay the caller's alone."""
from __future__ import annotations

import queue
import threading
from contextlib import contextmanager
from typing import Callable, Iterator, TypeVar

from flask import current_app

T = TypeVar("T")
_DONE = object()


@contextmanager
def ahead(produce: Callable[[], Iterator[T]], depth: int = 2) -> Iterator[Iterator[T]]:
    """Start `produce()` in a thread at once, up to `depth` items ahead; the block iterates what it
    yields. An exception in the thread is raised where the item would have come; leaving the block
    (done, early or by an exception) stops the thread."""
    app = current_app._get_current_object()
    items: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item) -> bool:
        while not stop.is_set():
            try:
                items.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def run() -> None:
        try:
            with app.app_context():
                for item in produce():
                    if not put(item):
                        return
        except BaseException as exc:  # handed to the consumer, raised there
            put(_Failed(exc))
            return
        put(_DONE)

    def consume() -> Iterator[T]:
        while True:
            item = items.get()
            if item is _DONE:
                return
            if isinstance(item, _Failed):
                raise item.exc
            yield item

    thread = threading.Thread(target=run, name="ahead", daemon=True)
    thread.start()
    try:
        yield consume()
    finally:
        stop.set()
        thread.join()


class _Failed:
    def __init__(self, exc: BaseException):
        self.exc = exc
