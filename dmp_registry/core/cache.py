"""A value loaded from the database once per engine and kept for `ttl` seconds, or until
invalidate(): for small tables read on hot paths that change rarely (concepts, unit names)."""
from __future__ import annotations

import threading
import time
from typing import Callable, Generic, TypeVar

from .db import db

T = TypeVar("T")


class PerEngineCache(Generic[T]):
    def __init__(self, load: Callable[[], T], ttl: float = 60.0):
        self.load = load
        self.ttl = ttl
        self._lock = threading.Lock()
        self._by_engine: dict[int, tuple[float, T]] = {}  # tests run several apps (SQLite, PostgreSQL)

    def invalidate(self) -> None:
        with self._lock:
            self._by_engine.clear()

    def get(self, max_age: float | None = None) -> T:
        """The value, reloaded when older than `ttl` (or the stricter `max_age`)."""
        key = id(db.engine)
        entry = self._by_engine.get(key)
        limit = self.ttl if max_age is None else min(self.ttl, max_age)
        if entry and time.monotonic() - entry[0] < limit:
            return entry[1]
        value = self.load()
        with self._lock:
            self._by_engine[key] = (time.monotonic(), value)
        return value
