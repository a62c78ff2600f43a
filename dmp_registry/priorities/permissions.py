"""Who may see and change assessments, scores and the scoring model.

- curators, admins and programme leads see every assessment and score;
- researchers see the assessments of their own datasets (created, held as custodian, their unit)
  and may comment on them;
- curators and admins assess, override, assign and move the workflow;
- admins change the scoring model;
- every signed-in user with a registering role files a rescue intake.
"""
from __future__ import annotations

from sqlalchemy import true

from ..core.permissions import Policy
from ..datasets.permissions import _owns, owns_filter

SEES_ALL = ("curator", "admin", "programme_lead")


class AssessmentPolicy(Policy):
    actions = ("list", "read", "create", "update", "delete", "history", "comment", "transition", "assign",
               "override", "worklist", "export", "dashboard", "leaving")

    def sees_all(self, identity) -> bool:
        return identity.has_role(*SEES_ALL)

    def can_list(self, identity, record=None):
        return identity.is_authenticated

    def can_read(self, identity, record=None):
        if not identity.is_authenticated:
            return False
        if record is None or self.sees_all(identity):
            return True
        return _owns(identity, record.dataset)

    def can_comment(self, identity, record=None):
        return self.can_read(identity, record) and (identity.is_curator or identity.has_role("researcher"))

    def can_transition(self, identity, record=None):
        return identity.is_curator

    can_assign = can_override = can_transition

    def can_worklist(self, identity, record=None):
        """Lists are filtered by read_filter: researchers see their own datasets' rows."""
        return identity.is_authenticated

    can_export = can_worklist

    def can_dashboard(self, identity, record=None):
        return self.sees_all(identity)

    can_leaving = can_dashboard

    def read_filter(self, identity, model):
        """`model` is Dataset (or anything with its ownership columns)."""
        if self.sees_all(identity):
            return true()
        return owns_filter(identity, model)


class ScoringModelPolicy(Policy):
    def can_read(self, identity, record=None):
        return identity.is_authenticated

    def can_update(self, identity, record=None):
        return identity.has_role("admin")

    can_create = can_update


class RescuePolicy(Policy):
    def can_create(self, identity, record=None):
        return identity.is_curator or identity.has_role("researcher", "programme_lead")

    def can_list(self, identity, record=None):
        return identity.has_role(*SEES_ALL)
