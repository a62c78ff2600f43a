"""Pages for the IT-system portfolio and data flows (issue 5): systems and flows (list, detail,
forms with the usual merge on stale edits), lineage and impact from flows/lineage.py, and the
data-flow graph (inline SVG from flows/graph.py with a table alternative and downloads).

The forms reuse `web/forms.py` and `web/merge.py`. Three values are shown differently from how
they are stored, and are converted both ways (also in the history the merge reads):
- a flow's source and target are one pick list each ("system:<id>" or "dataset:<id>");
- a system's endpoint URLs are one per line;
- a system's documentation links are one per line, "Title | https://…"."""
from __future__ import annotations

import uuid
from types import SimpleNamespace

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from ..auth.current import current_identity
from ..core.db import db
from ..core.errors import AuthenticationRequired, ConflictError, InvalidInput, PermissionDenied
from ..core.uow import unit_of_work
from ..datasets.models import Dataset
from ..datasets.permissions import DatasetPolicy
from ..flows.graph import portfolio_graph, to_svg
from ..flows.lineage import describe_nodes, impact, lineage
from ..flows.schemas import FlowArgs, FlowIn, FlowPatch
from ..flows.service import flow_service
from ..systems.models import ItSystem
from ..systems.schemas import ItSystemArgs, ItSystemIn, ItSystemPatch
from ..systems.service import it_system_service
from ..vocabularies.models import pick_label
from ..vocabularies.terms import local
from . import forms
from .forms import Field
from .i18n import concept_label, text
from .merge import merge_conflict
from .messages import N_
from .options import options_for, unit_names
from .records import PER_PAGE, RecordPages

bp = Blueprint("portfolio_pages", __name__)

#: At most this many datasets in a pick list (sorted by title; chosen ones are always included).
DATASET_CHOICES = 500

# Messages of the flow and system schemas/services shown next to fields (translated by message()).
PORTFOLIO_MESSAGES = (
    N_("Give either a system or a dataset as source, not both."),
    N_("Give either a system or a dataset as target, not both."),
    N_("Give the source: a system or a dataset."),
    N_("Give the target: a system or a dataset."),
    N_("Describe the problem whose severity you give."),
    N_("A flow needs a source and a target that differ."),
    N_("Researchers propose flows as planned; a curator or programme lead activates them."),
    N_("Lifecycle dates must follow each other (in use → phase-out → retired)."),
    N_("Not a valid URL."),
)


# ---- fields ---------------------------------------------------------------------------------
SYSTEM_FIELDS = (
    Field("name", _l("Name"), required=True),
    Field("short_name", _l("Short name"), help=_l("An abbreviation in common use, e.g. MUSIT.")),
    Field("description", _l("Description"), "langlong", help=_l("What the system is used for.")),
    Field("category", _l("Category"), "concept", required=True, scheme="system-category"),
    Field("owner_unit_id", _l("Owner unit"), "ref", ref="unit"),
    Field("system_owner_id", _l("System owner"), "ref", ref="person",
          help=_l("The person who answers for the system.")),
    Field("technical_contact_id", _l("Technical contact"), "ref", ref="person"),
    Field("vendor", _l("Vendor")),
    Field("product", _l("Product")),
    Field("product_version", _l("Product version")),
    Field("hosting", _l("Hosting"), "concept", scheme="hosting"),
    Field("lifecycle_status", _l("Lifecycle status"), "concept", required=True, scheme="lifecycle-status"),
    Field("in_use_from", _l("In use from"), "date"),
    Field("phase_out_from", _l("Phasing out from"), "date"),
    Field("retired_on", _l("Retired on"), "date", help=_l("The dates must follow each other.")),
    Field("classification", _l("Information security classification"), "concept", scheme="classification"),
    Field("processes_personal_data", _l("The system processes personal data"), "bool"),
    Field("processing_record_ref", _l("Record of processing"),
          help=_l("Reference to the entry in the record of processing activities (GDPR art. 30).")),
    Field("user_count", _l("Number of users"), "int"),
    Field("endpoint_urls", _l("Endpoint URLs"), "textarea", help=_l("One URL per line.")),
    Field("api_description_url", _l("API description"), "url",
          help=_l("A link to an OpenAPI document or similar, if the system has an API.")),
    Field("documentation_links", _l("Documentation"), "textarea",
          help=_l("One link per line: a title, a vertical bar and the URL, e.g. “User guide | https://…”.")),
    Field("dataset_ids", _l("Datasets the system holds or serves"), "refs", ref="dataset"),
)

FLOW_FIELDS = (
    Field("title", _l("Title"), required=True, help=_l("A short name, e.g. “Export of finds to GBIF”.")),
    Field("description", _l("Description"), "langlong", help=_l("What data travels and why.")),
    Field("source", _l("Source"), "ref", required=True, ref="end",
          help=_l("The system or dataset the data comes from.")),
    Field("target", _l("Target"), "ref", required=True, ref="end",
          help=_l("The system or dataset the data goes to.")),
    Field("dataset_ids", _l("Datasets whose data travels"), "refs", ref="dataset"),
    Field("mechanism", _l("Mechanism"), "concept", scheme="flow-mechanism"),
    Field("frequency", _l("Frequency"), "concept", scheme="eu-frequency"),
    Field("format", _l("Format"), "concept", scheme="eu-file-type"),
    Field("personal_data", _l("Personal data travels in this flow"), "bool"),
    Field("responsible_id", _l("Responsible"), "ref", ref="person"),
    Field("status", _l("Status"), "concept", scheme="flow-status",
          help=_l("Researchers propose flows as planned; curators and programme leads activate them.")),
    Field("problems", _l("Known problems"), "textarea"),
    Field("problem_severity", _l("Severity of the problems"), "concept", scheme="problem-severity"),
)

ENDS = ("source", "target")


# ---- pick lists of systems and datasets -------------------------------------------------------
def system_choices() -> list[tuple[str, str]]:
    rows = db.session.execute(select(ItSystem.id, ItSystem.name).order_by(ItSystem.name_sort, ItSystem.id))
    return [(str(i), name) for i, name in rows]


def dataset_choices(identity, keep=()) -> list[tuple[str, str]]:
    """Datasets the identity may read, by title (at most DATASET_CHOICES, plus the chosen ones)."""
    readable = DatasetPolicy().read_filter(identity, Dataset)
    rows = list(db.session.execute(select(Dataset.id, Dataset.title).where(readable)
                                   .order_by(Dataset.title_sort, Dataset.id).limit(DATASET_CHOICES)))
    have = {i for i, _t in rows}
    extra = [uuid.UUID(k) for k in keep if _is_uuid(k) and uuid.UUID(k) not in have]
    if extra:
        rows += list(db.session.execute(select(Dataset.id, Dataset.title).where(readable, Dataset.id.in_(extra))))
    return [(str(i), text(title)) for i, title in rows]


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except (ValueError, TypeError, AttributeError):
        return False
    return True


def portfolio_options(field: Field, values=None) -> list[tuple[str, str]]:
    identity = current_identity()
    chosen = values.getlist(field.name) if values is not None else []
    if field.ref == "dataset":
        return dataset_choices(identity, chosen)
    if field.ref == "system":
        return system_choices()
    if field.ref == "end":
        keep = [v.split(":", 1)[1] for v in chosen if v.startswith("dataset:")]
        systems = [(f"system:{i}", _("System: %(name)s", name=label)) for i, label in system_choices()]
        datasets = [(f"dataset:{i}", _("Dataset: %(name)s", name=label)) for i, label in dataset_choices(identity, keep)]
        return systems + datasets
    return options_for(field, values)


def field_text(field: Field, values: MultiDict) -> str:
    """A field's value in a form as readable text (the saved side of a conflict)."""
    from .display import conflict_value

    if field.kind in ("ref", "refs") and field.ref in ("dataset", "system", "end"):
        labels = dict(portfolio_options(field, values))
        return ", ".join(labels.get(v, v) for v in values.getlist(field.name) if v)
    return conflict_value(field, values)


# ---- conversions between stored records and form values ---------------------------------------
def _end_value(system_id, dataset_id) -> str | None:
    if system_id:
        return f"system:{system_id}"
    if dataset_id:
        return f"dataset:{dataset_id}"
    return None


def _lines(value) -> str:
    return "\n".join(value or []) if isinstance(value, list) else (value or "")


def _link_lines(value) -> str:
    if not isinstance(value, list):
        return value or ""
    return "\n".join(f"{link.get('title', '')} | {link.get('url', '')}" for link in value)


def _parse_links(value: str | None):
    if not isinstance(value, str):
        return value
    links = []
    for line in value.splitlines():
        line = line.strip()
        if not line:
            continue
        title, _bar, url = line.rpartition("|") if "|" in line else (line, "", line)
        links.append({"title": title.strip() or url.strip(), "url": url.strip()})
    return links


class PortfolioPages(RecordPages):
    """RecordPages with form conversions, wider pick lists and own templates."""

    template_dir = ""
    list_schema = None
    list_filters: tuple = ()

    # conversions (overridden per area)
    def textual(self, snapshot: dict) -> dict:
        return dict(snapshot)

    def textual_changes(self, changes: dict) -> dict:
        return dict(changes)

    def untextual(self, data: dict) -> dict:
        return data

    def field_errors(self, errors):
        return errors

    def values_of(self, record) -> MultiDict:
        return forms.to_form(self.fields, self.textual(self.service.snapshot(record)))

    def parse(self, form: MultiDict) -> dict:
        return self.untextual(forms.parse(self.fields, form))

    def _history_for_merge(self, history):
        return [SimpleNamespace(version=row.version, changes=self.textual_changes(row.changes or {}))
                for row in history]

    # ---- list --------------------------------------------------------------------------------
    def list_args(self) -> tuple[dict, dict]:
        raw = {k: request.args.get(k, "").strip() for k in (*self.list_filters, "page")}
        raw = {k: v for k, v in raw.items() if v}
        while True:
            try:
                args = self.list_schema().load(raw)
                break
            except ValidationError as exc:  # a hand-edited URL: drop what does not validate
                bad = set(exc.messages) & set(raw)
                if not bad:
                    raise
                for key in bad:
                    raw.pop(key)
        args["per_page"] = PER_PAGE
        return args, raw

    def list_view(self):
        identity = self._identity()
        args, raw = self.list_args()
        page = self.service.search(identity, args)
        pages = max(1, -(-page.total // page.per_page))
        return render_template(f"{self.template_dir}/list.html", pages_spec=self, page=page, pages=pages, raw=raw,
                               units=unit_names(), can_create=self.service.policy.can(identity, "create"))

    # ---- detail ------------------------------------------------------------------------------
    def detail_view(self, record_id):
        identity = self._identity()
        record = self.service.read(identity, record_id)
        policy = self.service.policy
        history = self.service.history(identity, record_id) if policy.can(identity, "history", record) else []
        extra = self.extra(identity, record) if self.extra else {}
        return render_template(f"{self.template_dir}/detail.html", pages_spec=self, record=record, history=history,
                               can_edit=policy.can(identity, "update", record),
                               can_delete=policy.can(identity, "delete", record), units=unit_names(),
                               field_labels=self.history_labels(), **extra)

    def history_labels(self) -> dict:
        labels = {f.name: f.label for f in self.fields}
        for end in ENDS:
            if end in labels:
                labels[f"{end}_system_id"] = labels[f"{end}_dataset_id"] = labels[end]
        return labels

    # ---- forms -------------------------------------------------------------------------------
    def _render_form(self, record, values, errors=None, status=200, conflicts=(), merged=()):
        state = forms.FormState(self.fields, values, self.field_errors(errors) if errors else None,
                                lambda f: portfolio_options(f, values))
        return render_template(f"{self.template_dir}/form.html", pages_spec=self, record=record, form=state,
                               conflicts=conflicts, merged=merged, field_text=field_text), status

    def new_view(self):
        identity = self._identity()
        self.service.policy.require(identity, "create")
        if request.method == "GET":
            return self._render_form(None, forms.to_form(self.fields, self.defaults(identity)))
        try:
            with unit_of_work():
                record = self.service.create(identity, forms.load(self.in_schema(), self.parse(request.form)))
        except InvalidInput as exc:
            return self._render_form(None, request.form.copy(), exc.errors, 422)
        except PermissionDenied:
            return self._render_form(None, request.form.copy(), self.denied_errors(), 422)
        flash(_("Saved."), "success")
        return redirect(url_for(f"{self.endpoint}_detail", record_id=record.id), 303)

    def denied_errors(self) -> dict:
        return {"_form": [_("You may not save this record as it is.")]}

    def edit_view(self, record_id):
        identity = self._identity()
        record = self.service.read(identity, record_id)
        self.service.policy.require(identity, "update", record)
        if request.method == "GET":
            values = self.values_of(record)
            values["version"] = str(record.version)
            return self._render_form(record, values)
        submitted = request.form.copy()
        saved = None
        for f in self.fields:
            if submitted.get(f"resolve.{f.name}") == "theirs":
                saved = saved if saved is not None else self.values_of(record)
                forms.copy_field(f, saved, submitted)
        version = submitted.get("version", type=int)
        try:
            with unit_of_work():
                data = forms.load(self.patch_schema(partial=True), self.parse(submitted))
                self.service.update(identity, record_id, data, version)
        except InvalidInput as exc:
            return self._render_form(record, submitted, exc.errors, 422)
        except PermissionDenied:
            return self._render_form(record, submitted, self.denied_errors(), 422)
        except ConflictError:
            current = self.service.read(identity, record_id)
            values, conflicts, merged = merge_conflict(
                self.fields, submitted, current, self.textual(self.service.snapshot(current)),
                self._history_for_merge(self.service.history(identity, record_id)), version)
            return self._render_form(current, values, status=409, conflicts=conflicts, merged=merged)
        flash(_("Your changes were saved."), "success")
        return redirect(url_for(f"{self.endpoint}_detail", record_id=record_id), 303)


class SystemPages(PortfolioPages):
    template_dir = "systems"
    list_schema = ItSystemArgs
    list_filters = ("q", "owner_unit_id", "category", "lifecycle_status", "without_owner", "without_classification",
                    "processes_personal_data")

    def textual(self, snapshot):
        out = dict(snapshot)
        out["endpoint_urls"] = _lines(out.get("endpoint_urls"))
        out["documentation_links"] = _link_lines(out.get("documentation_links"))
        return out

    def textual_changes(self, changes):
        out = dict(changes)
        for key, convert in (("endpoint_urls", _lines), ("documentation_links", _link_lines)):
            if key in out:
                old, new = out[key]
                out[key] = (convert(old), convert(new))
        return out

    def untextual(self, data):
        data = dict(data)
        if "endpoint_urls" in data:
            urls = data["endpoint_urls"]
            data["endpoint_urls"] = [u.strip() for u in (urls or "").splitlines() if u.strip()]
        if "documentation_links" in data:
            data["documentation_links"] = _parse_links(data["documentation_links"] or "")
        return data

    def defaults(self, identity):
        return {"lifecycle_status": local("lifecycle-status", "in-use")}


class FlowPages(PortfolioPages):
    template_dir = "flows"
    list_schema = FlowArgs
    list_filters = ("q", "status", "personal_data", "with_problems", "mechanism")

    def textual(self, snapshot):
        out = dict(snapshot)
        for end in ENDS:
            out[end] = _end_value(out.pop(f"{end}_system_id", None), out.pop(f"{end}_dataset_id", None))
        return out

    def textual_changes(self, changes):
        out = dict(changes)
        for end in ENDS:
            system = out.pop(f"{end}_system_id", None)
            dataset = out.pop(f"{end}_dataset_id", None)
            if system or dataset:
                system, dataset = system or (None, None), dataset or (None, None)
                out[end] = (_end_value(system[0], dataset[0]), _end_value(system[1], dataset[1]))
        return out

    def untextual(self, data):
        data = dict(data)
        if data.get("status") is None:
            data.pop("status", None)  # the service proposes it as planned
        for end in ENDS:
            if end not in data:
                continue
            value = data.pop(end) or ""
            kind, _sep, ident = value.partition(":")
            if kind == "dataset":
                data[f"{end}_system_id"], data[f"{end}_dataset_id"] = None, ident
            else:  # "system:<id>", or nothing / something unreadable that the schema then refuses
                data[f"{end}_system_id"], data[f"{end}_dataset_id"] = (ident if kind == "system" else value) or None, None
        return data

    def field_errors(self, errors):
        """The service reports ends as source_system_id/source_dataset_id; the form has one field each."""
        if not isinstance(errors, dict):
            return errors
        out = {}
        for key, messages in errors.items():
            name = key
            for end in ENDS:
                if key in (f"{end}_system_id", f"{end}_dataset_id"):
                    name = end
            out.setdefault(name, []).extend(_translate_service(m) for m in
                                            (messages if isinstance(messages, list) else [messages]))
        return out

    def denied_errors(self):
        return {"source": [_("You may propose flows only to or from a dataset you may edit.")]}

    def defaults(self, identity):
        return {"status": local("flow-status", "planned")}


def _translate_service(message):
    """Service messages with a name or id in them, in the page language."""
    if not isinstance(message, str):
        return message
    if message.startswith("The system ") and message.endswith(" is retired; a flow cannot use it."):
        name = message[len("The system "):-len(" is retired; a flow cannot use it.")]
        return _("The system %(name)s is retired; a live flow cannot use it.", name=name)
    for prefix, kind in (("Unknown system: ", "system"), ("Unknown dataset: ", "dataset")):
        if message.startswith(prefix):
            return _("No such system.") if kind == "system" else _("No such dataset.")
    return message


# ---- related lists on the detail pages ----------------------------------------------------------
def _system_extra(identity, record):
    flows = flow_service.search(identity, {"node_id": record.id, "per_page": 200, "sort": "title"})
    incoming = [f for f in flows.items if f.target_node == record.id]
    outgoing = [f for f in flows.items if f.source_node == record.id]
    return {"incoming": incoming, "outgoing": outgoing, "flow_total": flows.total}


systems = SystemPages(
    "systems", it_system_service, ItSystemIn, ItSystemPatch, fields=SYSTEM_FIELDS,
    title_one=_l("IT system"), title_many=_l("IT systems"), title=lambda r: r.name,
    columns=(), searchable=True, login_required=True,
    intro=_l("The IT systems of the museum: who owns them, what data they hold and where it flows."),
    extra=_system_extra)

flows = FlowPages(
    "flows", flow_service, FlowIn, FlowPatch, fields=FLOW_FIELDS,
    title_one=_l("Data flow"), title_many=_l("Data flows"), title=lambda r: r.title,
    columns=(), searchable=True, login_required=True,
    intro=_l("How data moves between systems and datasets: by what mechanism, how often, and with what problems."))

for pages in (systems, flows):
    pages.register(bp)


# ---- helpers for templates ------------------------------------------------------------------------
def node_url(node, external: bool = False) -> str:
    """The page of a lineage/graph node ({kind, id})."""
    if node["kind"] == "system":
        return url_for("portfolio_pages.systems_detail", record_id=node["id"], _external=external)
    return url_for("dataset_pages.detail", dataset_id=node["id"], _external=external)


def end_of(flow, end: str) -> dict | None:
    system, dataset = getattr(flow, f"{end}_system"), getattr(flow, f"{end}_dataset")
    if system is not None:
        return {"kind": "system", "id": system.id, "label": system.name}
    if dataset is not None:
        return {"kind": "dataset", "id": dataset.id, "label": pick_label(dataset.title, _lang()) or ""}
    return None


def _lang():
    from .i18n import current_language

    return current_language()


bp.add_app_template_global(node_url, "node_url")  # globals: the imported macros see them too
bp.add_app_template_global(end_of, "flow_end")


def _signed_in():
    identity = current_identity()
    if not identity.is_authenticated:
        raise AuthenticationRequired()
    return identity


# ---- lineage and impact ---------------------------------------------------------------------------
DEPTHS = (1, 2, 3, 5, 10, 50)


@bp.get("/flows/lineage/<uuid:node_id>", endpoint="lineage")
def lineage_page(node_id):
    identity = _signed_in()
    direction = request.args.get("direction", "both")
    if direction not in ("both", "upstream", "downstream"):
        direction = "both"
    depth = request.args.get("max_depth", 50, type=int)
    depth = depth if depth in DEPTHS else 50
    planned = request.args.get("include_planned") in ("1", "true", "on")
    result = lineage(identity, node_id, direction, depth, planned)
    nodes = {n["id"]: n for n in (result["start"], *result["upstream"], *result["downstream"])}
    return render_template("flows/lineage.html", result=result, nodes=nodes, direction=direction, depth=depth,
                           depths=DEPTHS, planned=planned, start=result["start"])


@bp.get("/systems/<uuid:record_id>/impact", endpoint="impact")
def impact_page(record_id):
    identity = _signed_in()
    result = impact(identity, record_id)
    ids = {f[k] for key in ("broken_flows", "starved_flows") for f in result[key] for k in ("source", "target")}
    nodes = describe_nodes(identity, ids)
    return render_template("systems/impact.html", result=result, nodes=nodes, system=result["system"])


# ---- the graph ------------------------------------------------------------------------------------
GRAPH_FILTERS = ("unit_id", "category", "status")


def graph_args() -> tuple[dict, dict]:
    from ..flows.api import GraphArgs

    raw = {k: request.args.get(k, "").strip() for k in GRAPH_FILTERS}
    raw = {k: v for k, v in raw.items() if v}
    while True:
        try:
            return GraphArgs().load(raw), raw
        except ValidationError as exc:
            bad = set(exc.messages) & set(raw)
            if not bad:
                raise
            for key in bad:
                raw.pop(key)


@bp.get("/flows/graph", endpoint="graph")
def graph_page():
    identity = _signed_in()
    args, raw = graph_args()
    graph = portfolio_graph(identity, args)
    svg = to_svg(graph, href=node_url, title=_("Data flows between systems and datasets"))
    nodes = {n["id"]: n for n in graph["nodes"]}
    system_ids = [n["id"] for n in graph["nodes"] if n["kind"] == "system"]
    systems_info = {i: (category, status) for i, category, status in db.session.execute(
        select(ItSystem.id, ItSystem.category, ItSystem.lifecycle_status).where(ItSystem.id.in_(system_ids)))} \
        if system_ids else {}
    inputs, outputs = {}, {}
    for edge in graph["edges"]:
        outputs[edge["source"]] = outputs.get(edge["source"], 0) + 1
        inputs[edge["target"]] = inputs.get(edge["target"], 0) + 1
    return render_template("flows/graph.html", graph=graph, svg=svg, nodes=nodes, raw=raw, systems_info=systems_info,
                           inputs=inputs, outputs=outputs, flow_status=lambda n: concept_label(local("flow-status", n)),
                           query=raw)


@bp.get("/flows/graph.svg", endpoint="graph_svg")
def graph_svg():
    identity = _signed_in()
    args, _raw = graph_args()
    svg = to_svg(portfolio_graph(identity, args), href=lambda n: node_url(n, external=True),
                 title=_("Data flows between systems and datasets"))
    return Response('<?xml version="1.0" encoding="UTF-8"?>\n' + svg, mimetype="image/svg+xml",
                    headers={"Content-Disposition": 'attachment; filename="dataflows.svg"'})
