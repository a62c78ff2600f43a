"""Map domain and database errors to responses once: JSON in flask-smorest's shape under /api,
an HTML page (templates/errors/error.html) everywhere else. Never a 500 for bad input."""
from __future__ import annotations

import logging

from flask import jsonify, redirect, render_template, request, url_for
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from ..core.db import db
from ..core.errors import ConflictError, DomainError, InvalidInput

log = logging.getLogger(__name__)


def error_payload(status: int, name: str, message: str | None, errors=None):
    payload = {"code": status, "status": name}
    if message:
        payload["message"] = message
    if errors is not None:
        payload["errors"] = errors
    return payload


def wants_html() -> bool:
    return not request.path.startswith("/api/")


def _respond(status: int, name: str, message: str | None, errors=None, headers=None):
    if wants_html():
        return _html(status, headers)
    response = jsonify(error_payload(status, name, message, errors))
    response.status_code = status
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def _html(status: int, headers=None, kind: str | None = None):
    """The error page; the text comes from the page's own catalogue, not from the exception."""
    headers = {k: v for k, v in (headers or {}).items() if k.lower() != "www-authenticate"}
    return render_template("errors/error.html", status=status, kind=kind), status, headers


def handle_domain_error(exc: DomainError):
    db.session.rollback()
    if exc.status == 401 and wants_html():
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    names = {401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 409: "Conflict", 422: "Unprocessable Entity"}
    errors = exc.errors
    if isinstance(exc, InvalidInput) and errors is not None:
        errors = {"json": errors}
    headers = {"WWW-Authenticate": 'Bearer realm="dmp_registry"'} if exc.status == 401 else None
    return _respond(exc.status, names.get(exc.status, "Bad Request"), exc.message, errors, headers)


def handle_stale(exc):
    db.session.rollback()
    return handle_domain_error(ConflictError())


def handle_integrity(exc):
    db.session.rollback()
    log.info("integrity error: %s", exc.orig)
    return _respond(409, "Conflict", "The change conflicts with other records (a duplicate or a record still in use).")


def handle_data_error(exc):
    db.session.rollback()
    return _respond(422, "Unprocessable Entity", "A value is out of range for the database.")


def handle_http(exc: HTTPException):
    from .security import CSRFError

    if wants_html():
        return _html(exc.code or 500, kind="csrf" if isinstance(exc, CSRFError) else None)
    data = getattr(exc, "data", None) or {}
    errors = data.get("errors") or data.get("messages")
    return _respond(exc.code or 500, exc.name, data.get("message") or exc.description, errors,
                    (data.get("headers") or {}))


def register(app):
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(StaleDataError, handle_stale)
    app.register_error_handler(IntegrityError, handle_integrity)
    app.register_error_handler(DataError, handle_data_error)
    app.register_error_handler(HTTPException, handle_http)
