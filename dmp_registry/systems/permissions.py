"""The portfolio is internal: signed-in users read it, curators and programme leads maintain it."""
from __future__ import annotations

from ..core.permissions import Policy


class ItSystemPolicy(Policy):
    def _maintainer(self, identity):
        return identity.has_role("curator", "programme_lead", "admin")

    def can_create(self, identity, record=None):
        return self._maintainer(identity)

    can_update = can_delete = can_save = can_create
