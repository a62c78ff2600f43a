"""A value loaded from the database once per engine and kept for `ttl` seconds, or until
invalidate(): for small tables read on hot paths that change rarely (concepts, unit names)."""
from __future__ import annotations

import threading
import time
import weakref
from typing import Callable, Generic, TypeVar

from .db import db

T = TypeVar("T")


class PerEngineCache(Generic[T]):
    def __init__(self, load: Callable[[], T], ttl: float = 60.0):
        self.load = load
        self.ttl = ttl
        self._lock = threading.Lock()
        self._generation = 0
        # engine → (loaded at, value); tests run several apps (SQLite, PostgreSQL) in one process
        self._by_engine: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def invalidate(self) -> None:
        with self._lock:
            self._generation += 1
            self._by_engine.clear()

    def get(self, max_age: float | None = None) -> T:
        """The value, reloaded when older than `ttl` (or the stricter `max_age`)."""
        engine = db.engine
        entry = self._by_engine.get(engine)
        limit = self.ttl if max_age is None else min(self.ttl, max_age)
        if entry and time.monotonic() - entry[0] < limit:
            return entry[1]
        generation = self._generation
        value = self.load()
        with self._lock:
            if generation == self._generation:  # an invalidate() while loading: the value may be old
                self._by_engine[engine] = (time.monotonic(), value)
        return value
