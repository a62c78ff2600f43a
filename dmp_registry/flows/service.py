from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from ..core.db import db
from ..core.errors import InvalidInput
from ..core.service import RecordService, require_reference
from ..datasets.models import Dataset
from ..organisation.models import Person
from ..systems.models import ItSystem
from ..vocabularies.terms import local
from .models import DataFlow
from .permissions import FLOW_PLANNED, FlowPolicy
from .schemas import ENDS, FlowRecord

SYSTEM_RETIRED = local("lifecycle-status", "retired")
FLOW_ACTIVE = local("flow-status", "active")
FLOW_RETIRED = local("flow-status", "retired")


class FlowService(RecordService):
    model, entity_type, policy = DataFlow, "data_flow", FlowPolicy()
    snapshot_schema = FlowRecord()
    lang_fields = ("description",)
    sort_fields = {"title": DataFlow.title_sort, "created": DataFlow.created_at, "updated": DataFlow.updated_at}
    default_sort = "title"
    list_options = get_options = (
        selectinload(DataFlow.source_system), selectinload(DataFlow.target_system),
        selectinload(DataFlow.source_dataset), selectinload(DataFlow.target_dataset),
        selectinload(DataFlow.datasets), selectinload(DataFlow.responsible))

    def apply_filters(self, stmt, args):
        if args.get("node_id"):
            stmt = stmt.where(or_(DataFlow.source_node == args["node_id"], DataFlow.target_node == args["node_id"]))
        for key, column in (("status", DataFlow.status), ("mechanism", DataFlow.mechanism),
                            ("personal_data", DataFlow.personal_data)):
            if args.get(key) is not None:
                stmt = stmt.where(column == args[key])
        if args.get("with_problems"):
            stmt = stmt.where(DataFlow.problems.is_not(None))
        if args.get("q"):
            stmt = stmt.where(DataFlow.title_sort.contains(args["q"].casefold(), autoescape=True))
        return stmt

    def validate(self, identity, obj, data):
        errors, ends = {}, {}
        # A retired flow may record history with a retired system; a live one may not use one.
        live = data.get("status", obj.status) != FLOW_RETIRED
        for end in ENDS:
            system_key, dataset_key = f"{end}_system_id", f"{end}_dataset_id"
            if system_key in data or dataset_key in data:
                ends[end] = (data.get(system_key), data.get(dataset_key))
            else:
                ends[end] = (getattr(obj, system_key), getattr(obj, dataset_key))
            system_id, dataset_id = ends[end]
            if system_id is not None:
                system = db.session.get(ItSystem, system_id)
                if system is None:
                    errors[system_key] = [f"Unknown system: {system_id}"]
                elif system.lifecycle_status == SYSTEM_RETIRED and live and (system_key in data or "status" in data):
                    errors[system_key] = [f"The system {system.name} is retired; a flow cannot use it."]
            if dataset_id is not None and db.session.get(Dataset, dataset_id) is None:
                errors[dataset_key] = [f"Unknown dataset: {dataset_id}"]
        if ends["source"] == ends["target"]:
            errors["target_system_id" if ends["target"][0] else "target_dataset_id"] = [
                "A flow needs a source and a target that differ."]
        if not identity.has_role("curator", "programme_lead", "admin") and data.get("status", FLOW_PLANNED) != FLOW_PLANNED:
            errors["status"] = ["Researchers propose flows as planned; a curator or programme lead activates them."]
        require_reference(Person, data.get("responsible_id"), "responsible_id", "person")
        ids = data.get("dataset_ids") or []
        found = set(db.session.scalars(select(Dataset.id).where(Dataset.id.in_(ids)))) if ids else set()
        if missing := [str(i) for i in ids if i not in found]:
            errors["dataset_ids"] = [f"Unknown dataset: {', '.join(missing)}"]
        if errors:
            raise InvalidInput(errors=errors)

    def apply(self, identity, obj, data):
        data = dict(data)
        dataset_ids = data.pop("dataset_ids", None)
        super().apply(identity, obj, data)
        if dataset_ids is not None:
            obj.datasets = list(db.session.scalars(select(Dataset).where(Dataset.id.in_(dataset_ids)))) if dataset_ids else []
        obj.source_node = obj.source_system_id or obj.source_dataset_id
        obj.target_node = obj.target_system_id or obj.target_dataset_id
        # relationships used by the policy's placement check follow the ids just set
        obj.source_system = db.session.get(ItSystem, obj.source_system_id) if obj.source_system_id else None
        obj.target_system = db.session.get(ItSystem, obj.target_system_id) if obj.target_system_id else None
        obj.source_dataset = db.session.get(Dataset, obj.source_dataset_id) if obj.source_dataset_id else None
        obj.target_dataset = db.session.get(Dataset, obj.target_dataset_id) if obj.target_dataset_id else None
        obj.title_sort = obj.title.casefold()[:300]
        obj.status = obj.status or FLOW_PLANNED
        obj.description = obj.description or {}
        if obj.created_by_id is None:
            obj.created_by_id = identity.user_id


flow_service = FlowService()
