"""CSRF protection, security headers and the login throttle.

- CSRF: a random token per session; every unsafe request to a page (POST, PUT, PATCH, DELETE) must
  carry it as the form field `csrf_token` or the header `X-CSRFToken`. API calls authenticated by
  a bearer token need none; an API call that relies on the browser session cookie needs the header.
- Headers: a Content-Security-Policy without inline scripts or styles, no framing, no sniffing,
  a strict referrer policy, and HSTS when the registry is served over HTTPS.
- Throttle: failed logins per user name and per client address within a window (process memory;
  run one throttle per process or put a proxy limit in front of several).
- Body size: MAX_CONTENT_LENGTH for every request, except views that declare their own (`max_body`:
  the imports), applied before anything reads the body (the CSRF check reads the form).
"""
from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections import defaultdict, deque

from flask import abort, current_app, request, session
from werkzeug.exceptions import BadRequest

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRFToken"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'")
API_DOCS_SUFFIX = "/docs"


def init_app(app) -> None:
    if app.config.get("SESSION_COOKIE_SECURE") is None:
        app.config["SESSION_COOKIE_SECURE"] = app.config["DMP_BASE_URI"].startswith("https://")
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    throttle = LoginThrottle(app.config["DMP_LOGIN_MAX_ATTEMPTS"], app.config["DMP_LOGIN_WINDOW_SECONDS"])
    app.extensions["dmp_login_throttle"] = throttle
    app.before_request(apply_body_limit)
    app.before_request(check_csrf)
    app.after_request(security_headers)
    app.jinja_env.globals["csrf_token"] = csrf_token


def body_limit(limit: int):
    """Let a page view take bodies up to `limit` bytes (an API view class sets `max_body` itself)."""
    def mark(view):
        view.max_body = limit
        return view
    return mark


def apply_body_limit() -> None:
    view = current_app.view_functions.get(request.endpoint)
    limit = getattr(view, "max_body", None) or getattr(getattr(view, "view_class", None), "max_body", None)
    if limit:
        request.max_content_length = limit


class CSRFError(BadRequest):
    description = "The form is missing its security token or it has expired."


def csrf_token() -> str:
    token = session.get("_csrf")
    if not token:
        token = session["_csrf"] = secrets.token_urlsafe(32)
    return token


def _token_ok(sent: str | None) -> bool:
    expected = session.get("_csrf")
    return bool(sent and expected and hmac.compare_digest(str(sent), expected))


def check_csrf():
    if request.method in SAFE_METHODS:
        return None
    if request.path.startswith("/api/"):
        # Bearer-token clients are not exposed to CSRF; a session-cookie call must prove it is ours.
        if request.headers.get("Authorization") or not session.get("user_id"):
            return None
        if not _token_ok(request.headers.get(CSRF_HEADER)):
            abort(400, description="Missing or wrong X-CSRFToken header for a call made with the browser session.")
        return None
    if not _token_ok(request.form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER)):
        raise CSRFError()
    return None


def security_headers(response):
    headers = response.headers
    if not (request.path.startswith("/api/") and request.path.endswith(API_DOCS_SUFFIX)):
        headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
    if current_app.config["SESSION_COOKIE_SECURE"]:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    if response.mimetype == "text/html" and session.get("user_id"):
        headers["Cache-Control"] = "private, no-store"
    return response


class LoginThrottle:
    """At most `attempts` failures per key in `window` seconds; thread-safe, in memory."""

    def __init__(self, attempts: int, window: float, clock=time.monotonic):
        self.attempts, self.window, self.clock = attempts, window, clock
        self._failures: dict[str, deque] = defaultdict(deque)
        self._lock = threading.Lock()

    def _recent(self, key: str) -> deque:
        failures, horizon = self._failures[key], self.clock() - self.window
        while failures and failures[0] < horizon:
            failures.popleft()
        return failures

    def retry_after(self, *keys: str) -> int:
        """Seconds until any of `keys` may try again; 0 when none is blocked."""
        with self._lock:
            waits = [self._recent(k)[0] + self.window - self.clock() for k in keys
                     if len(self._recent(k)) >= self.attempts]
        return max(1, int(max(waits)) + 1) if waits else 0

    def fail(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._recent(key).append(self.clock())

    def reset(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)


def login_throttle() -> LoginThrottle:
    return current_app.extensions["dmp_login_throttle"]


def safe_next(target: str | None, default: str = "/") -> str:
    """Only same-site paths: '/datasets/?page=2' yes, '//evil.example' or 'https://…' no."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target
