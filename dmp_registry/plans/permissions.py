"""Who may see and change templates and plans.

Templates: every signed-in user reads templates and their published or retired versions; drafts and
all writes are for admins (curators read drafts too, to review them before publication).

Plans: the contributors (owner, co-authors, reviewers) read their plan; curators and admins read every
plan. The owner and co-authors edit it (admins too); the owner and admins manage contributors and
delete it. Reviewers, curators and admins comment and decide (approve / return). Every researcher,
curator, programme lead and admin may start a plan for a project; the starter becomes its owner.
"""
from __future__ import annotations

from sqlalchemy import false, select, true

from ..core.permissions import Policy

EDITOR_ROLES = frozenset({"owner", "co_author"})


class TemplatePolicy(Policy):
    def can_read(self, identity, record=None):
        return identity.is_authenticated

    def can_list(self, identity, record=None):
        return identity.is_authenticated

    def can_create(self, identity, record=None):
        return identity.has_role("admin")

    can_update = can_delete = can_save = can_publish = can_create

    def read_filter(self, identity, model):
        return true() if identity.is_authenticated else false()


class TemplateVersionPolicy(TemplatePolicy):
    def can_read(self, identity, record=None):
        if not identity.is_authenticated:
            return False
        return record is None or record.status != "draft" or identity.is_curator

    def read_filter(self, identity, model):
        if not identity.is_authenticated:
            return false()
        return true() if identity.is_curator else model.status != "draft"


def plan_roles(identity, plan) -> set[str]:
    """The contributor roles the acting person holds on `plan`."""
    if identity.person_id is None or plan is None:
        return set()
    return {c.role for c in plan.contributors if c.person_id == identity.person_id}


class PlanPolicy(Policy):
    actions = ("list", "read", "create", "update", "delete", "history", "manage", "comment", "review", "submit")

    def can_list(self, identity, record=None):
        return identity.is_authenticated

    def can_read(self, identity, record=None):
        if not identity.is_authenticated:
            return False
        return record is None or identity.is_curator or bool(plan_roles(identity, record))

    def can_create(self, identity, record=None):
        return identity.has_role("researcher", "curator", "programme_lead", "admin")

    def can_save(self, identity, record=None):
        return self.can_create(identity, record)

    def can_update(self, identity, record=None):
        """Edit the title, answers and datasets."""
        if not identity.is_authenticated:
            return False
        return identity.has_role("admin") or (record is not None and bool(plan_roles(identity, record) & EDITOR_ROLES))

    can_submit = can_update

    def can_manage(self, identity, record=None):
        """Add and remove contributors."""
        if not identity.is_authenticated:
            return False
        return identity.has_role("admin") or (record is not None and "owner" in plan_roles(identity, record))

    can_delete = can_manage

    def can_comment(self, identity, record=None):
        if not identity.is_authenticated:
            return False
        return identity.is_curator or (record is not None and "reviewer" in plan_roles(identity, record))

    can_review = can_comment

    def read_filter(self, identity, model):
        from .models import PlanContributor

        if not identity.is_authenticated:
            return false()
        if identity.is_curator:
            return true()
        if identity.person_id is None:
            return false()
        mine = select(PlanContributor.plan_id).where(PlanContributor.person_id == identity.person_id)
        return model.id.in_(mine)


template_policy = TemplatePolicy()
template_version_policy = TemplateVersionPolicy()
plan_policy = PlanPolicy()
