"""The Elasticsearch client of the current app and a small circuit breaker.

After a connection failure the registry answers from the embedded index (`degraded`) and the
in-process drain skips Elasticsearch for DMP_SEARCH_RETRY_SECONDS, so requests do not each wait
for a dead cluster; after that the next drain or search tries again and the index converges."""
from __future__ import annotations

import logging
import sys
import time
from typing import TYPE_CHECKING

from flask import current_app

if TYPE_CHECKING:
    from elasticsearch import Elasticsearch

log = logging.getLogger(__name__)


class EngineDown(Exception):
    """Elasticsearch cannot be used right now."""


def is_outage(exc: Exception) -> bool:
    """Connection problems, timeouts and server-side errors; not our own bad requests."""
    if isinstance(exc, EngineDown):
        return True
    if "elasticsearch" not in sys.modules:  # imported with the first client: no error of its kind before
        return False
    import elastic_transport
    from elasticsearch import ApiError

    if isinstance(exc, elastic_transport.TransportError):
        return True
    return isinstance(exc, ApiError) and (exc.meta.status >= 500 or exc.meta.status == 429)


class _State:
    def __init__(self, url: str, timeout: float):
        # imported here: a registry without Elasticsearch (the embedded default) saves ~11 MiB per process
        from elasticsearch import Elasticsearch
        from elasticsearch.serializer import OrjsonSerializer

        self.url = url
        # orjson both ways: a search response (hits, highlights, fourteen facets) decodes in a tenth of the time
        self.client = Elasticsearch(url, request_timeout=timeout, max_retries=0, retry_on_timeout=False,
                                    serializer=OrjsonSerializer())
        self.down_until = 0.0
        self.last_error: str | None = None
        self.ensured: set[str] = set()  # aliases known to exist
        self.next_backlog_check = 0.0


def _state() -> _State | None:
    url = current_app.config.get("DMP_ELASTICSEARCH_URL")
    if not url:
        return None
    states = current_app.extensions.setdefault("dmp_search_es", {})
    if url not in states:
        states[url] = _State(url, float(current_app.config["DMP_SEARCH_TIMEOUT"]))
    return states[url]


def configured() -> bool:
    return bool(current_app.config.get("DMP_ELASTICSEARCH_URL"))


def client() -> Elasticsearch | None:
    """The client when Elasticsearch is configured and not known to be down, else None."""
    state = _state()
    if state is None or time.monotonic() < state.down_until:
        return None
    return state.client


def raw_client() -> Elasticsearch | None:
    """The client regardless of the breaker (CLI repair commands, health checks)."""
    state = _state()
    return state.client if state else None


def ensured() -> set[str]:
    state = _state()
    return state.ensured if state else set()


def mark_down(exc: Exception) -> None:
    state = _state()
    if state is None:
        return
    state.down_until = time.monotonic() + float(current_app.config["DMP_SEARCH_RETRY_SECONDS"])
    state.last_error = f"{type(exc).__name__}: {exc}"[:1000]
    state.ensured.clear()
    state.next_backlog_check = 0.0  # the first search after the outage looks for failed entries
    log.warning("Elasticsearch unavailable, using the embedded index: %s", state.last_error)


def mark_up() -> None:
    state = _state()
    if state is not None:
        state.down_until = 0.0


BACKLOG_CHECK_SECONDS = 1.0


def backlog_check_due() -> bool:
    """Whether a search answered by Elasticsearch should look for entries that failed while it was
    down: right after an outage seen by this process, else at most once a second (the query cost
    ~0.4 ms of every search; entries failed in another process are found within a second)."""
    state = _state()
    now = time.monotonic()
    if state is None or now < state.next_backlog_check:
        return False
    state.next_backlog_check = now + BACKLOG_CHECK_SECONDS
    return True
