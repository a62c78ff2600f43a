from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from ..core.db import db
from ..core.errors import ConflictError, InvalidInput
from ..core.service import RecordService, require_reference
from ..datasets.models import Dataset
from ..organisation.models import Person, Unit
from .models import ItSystem
from .permissions import ItSystemPolicy
from .schemas import ItSystemRecord


class ItSystemService(RecordService):
    model, entity_type, policy = ItSystem, "it_system", ItSystemPolicy()
    snapshot_schema = ItSystemRecord()
    lang_fields = ("description",)
    sort_fields = {"name": ItSystem.name_sort, "created": ItSystem.created_at, "updated": ItSystem.updated_at}
    default_sort = "name"
    list_options = get_options = (selectinload(ItSystem.datasets), selectinload(ItSystem.system_owner),
                                  selectinload(ItSystem.technical_contact))

    def apply_filters(self, stmt, args):
        for key, column in (("owner_unit_id", ItSystem.owner_unit_id), ("category", ItSystem.category),
                            ("lifecycle_status", ItSystem.lifecycle_status),
                            ("processes_personal_data", ItSystem.processes_personal_data)):
            if args.get(key) is not None:
                stmt = stmt.where(column == args[key])
        if args.get("without_owner"):
            stmt = stmt.where(ItSystem.system_owner_id.is_(None))
        if args.get("without_classification"):
            stmt = stmt.where(ItSystem.classification.is_(None))
        if args.get("q"):
            needle = args["q"].casefold()
            stmt = stmt.where(or_(ItSystem.name_sort.contains(needle, autoescape=True),
                                  ItSystem.short_name.ilike(f"%{needle}%")))
        return stmt

    def validate(self, identity, obj, data):
        require_reference(Unit, data.get("owner_unit_id"), "owner_unit_id", "unit")
        for field in ("system_owner_id", "technical_contact_id"):
            require_reference(Person, data.get(field), field, "person")
        ids = data.get("dataset_ids") or []
        found = set(db.session.scalars(select(Dataset.id).where(Dataset.id.in_(ids)))) if ids else set()
        missing = [str(i) for i in ids if i not in found]
        if missing:
            raise InvalidInput(errors={"dataset_ids": [f"Unknown dataset: {', '.join(missing)}"]})

    def apply(self, identity, obj, data):
        data = dict(data)
        dataset_ids = data.pop("dataset_ids", None)
        super().apply(identity, obj, data)
        if dataset_ids is not None:
            obj.datasets = list(db.session.scalars(select(Dataset).where(Dataset.id.in_(dataset_ids)))) if dataset_ids else []
        obj.name_sort = obj.name.casefold()[:200]
        obj.endpoint_urls = obj.endpoint_urls or []
        obj.documentation_links = obj.documentation_links or []
        obj.description = obj.description or {}

    def present(self, identity, objs):
        """Only the datasets the identity may read are listed on a system."""
        from ..datasets.permissions import DatasetPolicy

        datasets = DatasetPolicy()
        for obj in objs:
            obj.visible_datasets = [d for d in obj.datasets if datasets.can_read(identity, d)]

    def before_delete(self, identity, obj):
        from ..flows.models import DataFlow

        touching = or_(DataFlow.source_node == obj.id, DataFlow.target_node == obj.id)
        used = db.session.scalar(select(DataFlow.id).where(touching).limit(1))
        if used is not None:
            raise ConflictError("Data flows still start or end at this system; retire the system instead, "
                                "or delete its flows first.")


it_system_service = ItSystemService()
