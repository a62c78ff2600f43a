"""The programme is internal: everyone signed in reads it, programme leads (and admins) maintain it.
Anyone signed in may report their own hours; leads report and correct anyone's."""
from __future__ import annotations

from ..core.permissions import Policy


def is_lead(identity) -> bool:
    return identity.has_role("programme_lead", "admin")


class ProgrammePolicy(Policy):
    def can_list(self, identity, record=None):
        return identity.is_authenticated

    def can_create(self, identity, record=None):
        return is_lead(identity)

    can_update = can_delete = can_save = can_create

    def can_report(self, identity, record=None):
        """Generate and save status reports."""
        return is_lead(identity)


class TimeEntryPolicy(ProgrammePolicy):
    def _own(self, identity, record):
        return record is not None and identity.person_id is not None and record.person_id == identity.person_id

    def can_create(self, identity, record=None):
        return identity.is_authenticated

    def can_save(self, identity, record=None):
        return is_lead(identity) or self._own(identity, record)

    def can_update(self, identity, record=None):
        return is_lead(identity) or self._own(identity, record)

    can_delete = can_update

    def can_import(self, identity, record=None):
        return is_lead(identity)
