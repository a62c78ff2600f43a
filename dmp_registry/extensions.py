"""Extensions, created unbound and bound in create_app. The OpenAPI `Api` is made per app
(flask-smorest keeps one spec per Api), see create_app."""
from .core.db import db

__all__ = ["db"]
