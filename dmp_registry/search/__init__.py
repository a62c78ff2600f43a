"""Search across the registry: Elasticsearch when configured, an embedded full-text index always.

Writes reach both through the transactional outbox (outbox.py), drained by `flask dmp search
drain --loop` or, by default, in-process right after the commit that queued them (below)."""
from __future__ import annotations

import logging

from flask import Flask, current_app, has_request_context

log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    from ..core.db import AppSession
    from . import native
    from .outbox import install_listeners

    native.install()  # before this app's first connection: SQLite adds it to connections it opens
    install_listeners(AppSession)
    # Registered after db.init_app, so these run before the session is removed (Flask runs teardown
    # functions in reverse order).
    app.teardown_request(_drain_if_due)
    app.teardown_appcontext(_drain_if_due)


def _drain_if_due(_exc=None) -> None:
    from ..core.db import db
    from .outbox import DRAIN_DUE

    if not db.session.registry.has() or not db.session.info.pop(DRAIN_DUE, False):
        return
    if not current_app.config["DMP_SEARCH_DRAIN_IN_PROCESS"]:
        return
    from .worker import drain

    try:
        # A request pays for at most a short drain; a CLI command drains what it queued.
        budget = current_app.config["DMP_SEARCH_DRAIN_BUDGET"] if has_request_context() else None
        drain(budget_seconds=budget)
    except Exception:  # the write itself is committed; the entries wait for the next drain
        log.exception("in-process search drain failed")
        db.session.rollback()
