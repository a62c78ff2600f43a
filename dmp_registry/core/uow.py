"""One commit at the boundary: API views, CLI commands and scripts; services only flush."""
from __future__ import annotations

from contextlib import contextmanager
from functools import wraps

from .db import db


@contextmanager
def unit_of_work():
    """Commit what the block did, or roll all of it back on any exception."""
    session = db.session
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise


def transactional(view):
    """View decorator: the request's writes commit together or not at all."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        with unit_of_work():
            return view(*args, **kwargs)

    return wrapper
