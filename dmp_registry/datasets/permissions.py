"""Who may see and change datasets.

- everyone (also anonymous) reads datasets listed in the public catalogue;
- signed-in users read every dataset except restricted / strictly confidential ones, which only
  their owners, their unit, curators, programme leads and admins read;
- researchers write their own and their unit's datasets, curators and admins all.
"""
from __future__ import annotations

from sqlalchemy import false, or_, select, true

from ..core.permissions import Policy
from ..vocabularies.terms import CONFIDENTIAL_CLASSIFICATIONS


def _owns(identity, dataset) -> bool:
    return (
        (identity.user_id is not None and dataset.created_by_id == identity.user_id)
        or (identity.person_id is not None and dataset.custodian_id == identity.person_id)
        or (identity.unit_id is not None and dataset.unit_id == identity.unit_id)
    )


def owns_filter(identity, model):
    conditions = []
    if identity.user_id is not None:
        conditions.append(model.created_by_id == identity.user_id)
    if identity.person_id is not None:
        conditions.append(model.custodian_id == identity.person_id)
    if identity.unit_id is not None:
        conditions.append(model.unit_id == identity.unit_id)
    return or_(*conditions) if conditions else false()


class DatasetPolicy(Policy):
    def sees_all(self, identity):
        return identity.has_role("curator", "admin", "programme_lead")

    def can_read(self, identity, record=None):
        if record is None or record.listed:
            return True
        if not identity.is_authenticated:
            return False
        return self.sees_all(identity) or record.classification not in CONFIDENTIAL_CLASSIFICATIONS or _owns(identity, record)

    def can_history(self, identity, record=None):
        return identity.is_authenticated and self.can_read(identity, record)

    def can_create(self, identity, record=None):
        return identity.is_curator or identity.has_role("researcher", "programme_lead")

    def can_update(self, identity, record=None):
        if identity.is_curator:
            return True
        return identity.has_role("researcher", "programme_lead") and record is not None and _owns(identity, record)

    can_delete = can_update

    def can_save(self, identity, record=None):
        """Researchers place datasets in their own unit, or hold them as custodian."""
        if identity.is_curator:
            return True
        if not identity.has_role("researcher", "programme_lead") or record is None:
            return False
        return (identity.unit_id is not None and record.unit_id == identity.unit_id) or (
            identity.person_id is not None and record.custodian_id == identity.person_id)

    def read_filter(self, identity, model):
        if not identity.is_authenticated:
            return model.listed.is_(True)
        if self.sees_all(identity):
            return true()
        return or_(model.listed.is_(True), model.classification.not_in(CONFIDENTIAL_CLASSIFICATIONS),
                   owns_filter(identity, model))


class DistributionPolicy(Policy):
    """A distribution is visible and editable exactly when its dataset is."""

    datasets = DatasetPolicy()

    def can_read(self, identity, record=None):
        return record is None or self.datasets.can_read(identity, record.dataset)

    def can_create(self, identity, record=None):
        if record is None:
            return self.datasets.can_create(identity)
        return self.datasets.can_update(identity, record.dataset)

    can_update = can_delete = can_save = can_create

    def can_history(self, identity, record=None):
        return identity.is_authenticated and self.can_read(identity, record)

    def read_filter(self, identity, model):
        from .models import Dataset

        visible = select(Dataset.id).where(self.datasets.read_filter(identity, Dataset))
        return model.dataset_id.in_(visible)
