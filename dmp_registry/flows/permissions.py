"""Curators and programme leads map flows; researchers propose (status planned) flows that touch
a dataset they may edit, and edit their own proposals until a maintainer takes them over."""
from __future__ import annotations

from sqlalchemy import and_, exists, false, or_, select, true

from ..core.permissions import Policy
from ..datasets.models import Dataset
from ..datasets.permissions import DatasetPolicy
from ..vocabularies.terms import local
from .models import flow_dataset

FLOW_PLANNED = local("flow-status", "planned")


class FlowPolicy(Policy):
    datasets = DatasetPolicy()

    def _maintainer(self, identity):
        return identity.has_role("curator", "programme_lead", "admin")

    def can_lineage(self, identity, record=None):
        """Lineage, impact and the graph: for signed-in users (the portfolio is internal)."""
        return identity.is_authenticated

    def can_read(self, identity, record=None):
        """A flow is visible to whoever may read every dataset it names (else it would leak titles)."""
        if not identity.is_authenticated:
            return False
        if record is None or self.datasets.sees_all(identity):
            return True
        named = [d for d in (record.source_dataset, record.target_dataset, *record.datasets) if d is not None]
        return all(self.datasets.can_read(identity, d) for d in named)

    def read_filter(self, identity, model):
        if not identity.is_authenticated:
            return false()
        if self.datasets.sees_all(identity):
            return true()
        readable = select(Dataset.id).where(self.datasets.read_filter(identity, Dataset))
        hidden_link = exists().where(flow_dataset.c.flow_id == model.id, flow_dataset.c.dataset_id.not_in(readable))
        return and_(or_(model.source_dataset_id.is_(None), model.source_dataset_id.in_(readable)),
                    or_(model.target_dataset_id.is_(None), model.target_dataset_id.in_(readable)), ~hidden_link)

    def can_create(self, identity, record=None):
        return self._maintainer(identity) or identity.has_role("researcher")

    def can_update(self, identity, record=None):
        if self._maintainer(identity):
            return True
        return (identity.has_role("researcher") and record is not None and record.created_by_id == identity.user_id
                and record.status == FLOW_PLANNED)

    can_delete = can_update

    def can_save(self, identity, record=None):
        if self._maintainer(identity):
            return True
        if not identity.has_role("researcher") or record is None or record.status != FLOW_PLANNED:
            return False
        ends = [d for d in (record.source_dataset, record.target_dataset) if d is not None]
        return any(self.datasets.can_update(identity, d) for d in ends)
