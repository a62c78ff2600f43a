"""The identity of the current request: API token (Authorization: Bearer) or the web session."""
from __future__ import annotations

import uuid

from flask import has_request_context, request, session

from ..core.db import db
from ..core.errors import AuthenticationRequired
from ..core.identity import Identity, anonymous_identity
from .models import User
from .service import identity_for, user_service


def current_identity() -> Identity:
    if not has_request_context():
        return anonymous_identity
    # Cached on the request (not on `g`, which belongs to the app context and can outlive a request).
    identity = getattr(request, "_dmp_identity", None)
    if identity is None:
        identity = request._dmp_identity = _resolve()
    return identity


def _resolve() -> Identity:
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, token = header.partition(" ")
        user = user_service.user_for_token(token.strip()) if scheme.lower() == "bearer" else None
        if user is None:
            raise AuthenticationRequired("The API token is not valid or has been revoked.")
        return identity_for(user)
    user_id = session.get("user_id")
    if user_id:
        try:
            user = db.session.get(User, uuid.UUID(user_id))
        except ValueError:
            user = None
        if user is not None and user.active:
            return identity_for(user)
        session.clear()
    return anonymous_identity
