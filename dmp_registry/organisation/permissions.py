"""Units and people are curated centrally; researchers manage their own unit's projects."""
from __future__ import annotations

from sqlalchemy import false, true

from ..core.permissions import Policy


class UnitPolicy(Policy):
    """The organisation chart is public; only admins change it."""

    def can_read(self, identity, record=None):
        return True

    def can_create(self, identity, record=None):
        return identity.has_role("admin")

    can_update = can_delete = can_create

    def read_filter(self, identity, model):
        return true()


class PersonPolicy(Policy):
    """People carry personal data (e-mail): signed-in users only; curators maintain them."""

    def can_update(self, identity, record=None):
        return identity.is_curator or (record is not None and identity.person_id == record.id)

    def can_delete(self, identity, record=None):
        return identity.has_role("admin")

    def read_filter(self, identity, model):
        return true() if identity.is_authenticated else false()


class ProjectPolicy(Policy):
    def _own_unit(self, identity, record):
        return record is None or (identity.unit_id is not None and record.unit_id == identity.unit_id) or (
            identity.person_id is not None and record.leader_id == identity.person_id
        )

    def can_create(self, identity, record=None):
        return identity.is_curator or (identity.has_role("researcher", "programme_lead") and self._own_unit(identity, record))

    can_update = can_create

    def can_delete(self, identity, record=None):
        return identity.is_curator
