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
import signal
import sys
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
        return _put(items, item, stop)

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


def _put(items: queue.Queue, item, stop: threading.Event) -> bool:
    """Put `item` when there is room, unless `stop` is set first (the consumer has left)."""
    while not stop.is_set():
        try:
            items.put(item, timeout=0.1)
            return True
        except queue.Full:
            continue
    return False


class _Failed:
    def __init__(self, exc: BaseException):
        self.exc = exc


def can_fork() -> bool:
    """Linux only: elsewhere forking a process that runs threads is unsafe (macOS) or impossible."""
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


# Held from creating a pipe until the parent's write end is closed: a fork made meanwhile by another
# thread would keep that write end open in its child, and this reader would never see the end.
_forking = threading.Lock()


@contextmanager
def forked(produce: Callable[[], Iterator[T]], depth: int = 4, stall: float = 300.0) -> Iterator[Iterator[T]]:
    """Start `produce()` in a forked child process at once; the block iterates what it yields, in
    order. The items must be values `marshal` writes (str, bytes, numbers, None, and tuples, lists,
    dicts and sets of them): it is several times faster than pickle. A thread here receives up to
    `depth` items ahead, so neither process waits on the other's jitter. An exception in the child
    is raised where the item would have come (as itself when it pickles, else as RuntimeError), and
    so is a child that dies or sends nothing for `stall` seconds while we wait for it (hung: alive,
    silent); leaving the block (done, early or by an exception) ends the child.

    The child is a fork: it shares the caller's memory (a large input is not copied) and must touch
    nothing the caller owns (connections, sessions, files): `produce` should only compute. If this
    process dies, the child's next write fails (it holds no read end of its pipe) and it ends."""
    context = multiprocessing.get_context("fork")
    with _forking:
        receive, send = context.Pipe(duplex=False)
        child = context.Process(target=_child, args=(produce, send, receive), name="forked", daemon=True)
        try:
            child.start()
        except BaseException:
            receive.close()
            raise
        finally:
            send.close()
    messages: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(message: bytes) -> None:
        _put(messages, message, stop)

    def pump() -> None:  # the pipe read releases the GIL: receiving overlaps the consumer's work
        try:
            while not stop.is_set():
                if not receive.poll(stall):
                    put(b"e" + pickle.dumps(RuntimeError(f"the producing process sent nothing for {stall:g} s")))
                    return
                message = receive.recv_bytes()
                put(message)
                if message[:1] != b"d":
                    return
        except (EOFError, OSError) as exc:  # the child died without a word (killed, out of memory)
            put(b"e" + pickle.dumps(RuntimeError(f"the producing process ended unexpectedly: {exc!r}")))
        except BaseException as exc:  # never leave the consumer waiting
            put(b"e" + pickle.dumps(RuntimeError(f"receiving from the producing process failed: {exc!r}")))

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
        _end(child)  # its end of the pipe closes: a reader blocked on it gets EOF
        reader.join()
        receive.close()
        child.close()


def _end(child, grace: float = 5.0) -> None:
    if child.is_alive():
        child.terminate()
        child.join(grace)
    if child.is_alive():  # SIGTERM handled or blocked after all
        child.kill()
    child.join()


def _child(produce: Callable[[], Iterator], send, receive) -> None:
    receive.close()  # only the parent reads: if it dies, this process's writes fail and it ends
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the parent's handlers (a server's graceful stop)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle; it ends this one
    # What the child inherits is never collected here: frozen, no collection walks it (a producer
    # that turns collection back on spent 2–7 % more CPU walking, and so copying, the parent's heap).
    gc.freeze()
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
        try:
            send.send_bytes(b"e" + payload)
        except OSError:
            pass  # the parent is gone or has stopped listening
        return
    send.send_bytes(b".")
