"""Produce elsewhere, consume in the caller: use both cores.

`ahead` overlaps Python work with database work: the database drivers release the GIL while a
statement runs, so a thread building the next batch (Python) and the caller writing the previous
one (SQLite or PostgreSQL) use both cores. The thread gets its own application context, hence its
own session and connection: the caller's connection and transaction stay the caller's alone.

`forked` overlaps Python work with Python work, which threads cannot (the GIL): the producer runs
in a forked child process and sends its items through a pipe."""
from __future__ import annotations

import gc
import marshal
import multiprocessing
import pickle
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


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


@contextmanager
def forked(produce: Callable[[], Iterator[T]], depth: int = 4) -> Iterator[Iterator[T]]:
    """Start `produce()` in a forked child process at once; the block iterates what it yields, in
    order. The items must be values `marshal` writes (str, bytes, numbers, None, and tuples, lists,
    dicts and sets of them): it is several times faster than pickle. A thread here receives up to
    `depth` items ahead, so neither process waits on the other's jitter. An exception in the child
    is raised where the item would have come (as itself when it pickles, else as RuntimeError);
    leaving the block (done, early or by an exception) ends the child.

    The child is a fork: it shares the caller's memory (a large input is not copied) and must touch
    nothing the caller owns (connections, sessions, files): `produce` should only compute."""
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(produce, send), name="forked", daemon=True)
    child.start()
    send.close()
    messages: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(message: bytes) -> None:
        while not stop.is_set():
            try:
                messages.put(message, timeout=0.1)
                return
            except queue.Full:
                continue

    def pump() -> None:  # the pipe read releases the GIL: receiving overlaps the consumer's work
        try:
            while not stop.is_set():
                message = receive.recv_bytes()
                put(message)
                if message[:1] != b"d":
                    return
        except (EOFError, OSError) as exc:  # the child died without a word (killed, out of memory)
            put(b"e" + pickle.dumps(RuntimeError(f"the producing process ended unexpectedly: {exc!r}")))

    def consume() -> Iterator[T]:
        loads = marshal.loads
        while True:
            message = messages.get()
            tag = message[:1]
            if tag == b"d":
                yield loads(memoryview(message)[1:])
            elif tag == b"e":
                raise pickle.loads(message[1:])
            else:
                return

    reader = threading.Thread(target=pump, name="forked-reader", daemon=True)
    reader.start()
    try:
        yield consume()
    finally:
        stop.set()
        if child.is_alive():
            child.terminate()
        child.join()  # its end of the pipe closes: a reader blocked on it gets EOF
        reader.join()
        receive.close()
        child.close()


def _child(produce: Callable[[], Iterator], send) -> None:
    gc.disable()  # the producer's objects are short-lived and acyclic; the process ends with it
    try:
        for item in produce():
            send.send_bytes(b"d" + marshal.dumps(item))
    except BaseException as exc:  # handed to the parent, raised there
        try:
            payload = pickle.dumps(exc)
            pickle.loads(payload)
        except Exception:
            payload = pickle.dumps(RuntimeError(f"{type(exc).__name__}: {exc}"))
        send.send_bytes(b"e" + payload)
        return
    send.send_bytes(b".")
