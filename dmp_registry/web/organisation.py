"""Units, people and projects: lists for everyone allowed to read them, forms for curators/admins."""
from __future__ import annotations

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from ..datasets.service import dataset_service
from ..organisation.schemas import PersonIn, PersonPatch, ProjectIn, ProjectPatch, UnitIn, UnitPatch
from ..organisation.service import person_service, project_service, unit_service
from .forms import Field
from .i18n import show_date, text
from .options import unit_names
from .records import RecordPages

bp = Blueprint("org_pages", __name__)


def _unit_name(record) -> str:
    return unit_names().get(record.unit_id, "") if record.unit_id else ""


def _datasets_of(key):
    def extra(identity, record):
        page = dataset_service.search(identity, {key: record.id, "per_page": 20, "sort": "title"})
        return {"datasets": page}
    return extra


units = RecordPages(
    "units", unit_service, UnitIn, UnitPatch,
    fields=(Field("code", _l("Code"), required=True, help=_l("A short code, e.g. INH.")),
            Field("name", _l("Name"), "lang", required=True),
            Field("parent_id", _l("Part of"), "ref", ref="unit")),
    title_one=_l("Unit"), title_many=_l("Units"), title=lambda r: text(r.name),
    columns=((_l("Name"), lambda r: text(r.name)), (_l("Code"), lambda r: r.code),
             (_l("Part of"), lambda r: unit_names().get(r.parent_id, "") if r.parent_id else "")),
    intro=_l("Departments and sections of the museum that hold datasets."),
    extra=_datasets_of("unit_id"))

people = RecordPages(
    "people", person_service, PersonIn, PersonPatch,
    fields=(Field("name", _l("Name"), required=True, autocomplete="name"),
            Field("email", _l("E-mail"), "email", autocomplete="email"),
            Field("orcid", _l("ORCID iD"), help=_l("For example 0000-0002-1825-0097.")),
            Field("unit_id", _l("Unit"), "ref", ref="unit"),
            Field("employment_end", _l("Employment ends"), "date",
                  help=_l("Curators are reminded to secure the person's datasets before this date."))),
    title_one=_l("Person"), title_many=_l("People"), title=lambda r: r.name,
    columns=((_l("Name"), lambda r: r.name), (_l("Unit"), _unit_name), (_l("E-mail"), lambda r: r.email or ""),
             (_l("Employment ends"), lambda r: show_date(r.employment_end))),
    searchable=True, login_required=True,
    intro=_l("Researchers and staff who create, hold or answer for datasets."),
    extra=_datasets_of("custodian_id"))

projects = RecordPages(
    "projects", project_service, ProjectIn, ProjectPatch,
    fields=(Field("title", _l("Title"), "lang", required=True),
            Field("unit_id", _l("Unit"), "ref", ref="unit"),
            Field("leader_id", _l("Project leader"), "ref", ref="person"),
            Field("funder", _l("Funder")),
            Field("grant_id", _l("Grant number")),
            Field("start_date", _l("Start date"), "date"),
            Field("end_date", _l("End date"), "date")),
    title_one=_l("Project"), title_many=_l("Projects"), title=lambda r: text(r.title),
    columns=((_l("Title"), lambda r: text(r.title)), (_l("Unit"), _unit_name), (_l("Funder"), lambda r: r.funder or ""),
             (_l("Start date"), lambda r: show_date(r.start_date)), (_l("End date"), lambda r: show_date(r.end_date))),
    searchable=True, login_required=True,
    intro=_l("Research projects that datasets belong to."),
    extra=_datasets_of("project_id"))

for pages in (units, people, projects):
    pages.register(bp)
