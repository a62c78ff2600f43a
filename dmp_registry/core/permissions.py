"""Policies: one class per area decides single-record access (`can`) and list filtering (`filter`).

Each rule is a method `can_<action>(identity, record)`; a missing rule denies. The same policy
provides `read_filter(identity, model)` so lists and searches never show what `can_read` refuses.
"""
from __future__ import annotations

from sqlalchemy import false, true

from .errors import AuthenticationRequired, PermissionDenied
from .identity import Identity


class Policy:
    actions: tuple[str, ...] = ("list", "read", "create", "update", "delete", "history")

    def can(self, identity: Identity, action: str, record=None) -> bool:
        rule = getattr(self, f"can_{action}", None)
        return bool(rule and rule(identity, record))

    def require(self, identity: Identity, action: str, record=None) -> None:
        if not self.can(identity, action, record):
            if not identity.is_authenticated:
                raise AuthenticationRequired()
            raise PermissionDenied()

    # Defaults: signed-in users list and read, curators/admins write.
    def can_list(self, identity, record=None):
        return True

    def can_read(self, identity, record=None):
        return identity.is_authenticated

    def can_history(self, identity, record=None):
        return self.can_read(identity, record)

    def can_create(self, identity, record=None):
        return identity.is_curator

    def can_update(self, identity, record=None):
        return identity.is_curator

    def can_delete(self, identity, record=None):
        return identity.is_curator

    def can_save(self, identity, record=None):
        """May the record be stored in the state it has after a create or update?"""
        return self.can_create(identity, record)

    def read_filter(self, identity: Identity, model):
        """SQL condition selecting the rows `can_read` allows."""
        return true() if identity.is_authenticated else false()
