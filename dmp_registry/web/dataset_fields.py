"""The dataset registration form: four short steps, required fields first, with help per field."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from .forms import Field


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    intro: str
    fields: tuple[Field, ...]


STEPS = (
    Step("basics", _l("Basics"), _l("These four fields are required. Everything else can be added later."), (
        Field("title", _l("Title"), "lang", required=True,
              help=_l("A short name others will recognise, in Norwegian, English or both.")),
        Field("dataset_type", _l("Type of dataset"), "concept", required=True, scheme="dataset-type",
              help=_l("What kind of material this is.")),
        Field("unit_id", _l("Unit"), "ref", required=True, ref="unit",
              help=_l("The department or section responsible for the dataset.")),
        Field("classification", _l("Information security classification"), "concept", required=True,
              scheme="classification",
              help=_l("How sensitive the data is. Restricted and strictly confidential data is hidden "
                      "from other units.")),
        Field("description", _l("Description"), "langlong",
              help=_l("What the data contains, how it was collected and what it can be used for.")),
    )),
    Step("subject", _l("Subject and access"), _l("Help others find the dataset and know whether they may use it."), (
        Field("keywords", _l("Keywords"), "keywords", help=_l("Separate keywords with commas.")),
        Field("themes", _l("Themes (EU)"), "concepts", scheme="eu-data-theme",
              help=_l("Choose one or more broad themes.")),
        Field("los_themes", _l("Themes (LOS)"), "concepts", scheme="los-theme",
              help=_l("The Norwegian public sector's list of themes. Type in the search field to narrow it.")),
        Field("access_rights", _l("Access rights"), "concept", scheme="eu-access-right",
              help=_l("Whether anyone, some or no one outside the museum may access the data.")),
        Field("licence", _l("Licence"), "concept", scheme="eu-licence",
              help=_l("The terms others may reuse the data under.")),
        Field("contains_personal_data", _l("The dataset contains personal data"), "bool",
              help=_l("Information that can identify a living person, directly or indirectly.")),
        Field("personal_data_legal_basis", _l("Legal basis for personal data"), "textarea",
              help=_l("Required when the dataset contains personal data, e.g. consent or public interest.")),
    )),
    Step("people", _l("People and coverage"), _l("Who made the data, who answers questions, and what it covers."), (
        Field("creator_ids", _l("Creators"), "refs", ref="person",
              help=_l("The people who created the data.")),
        Field("contact_point_id", _l("Contact point"), "ref", ref="person",
              help=_l("Who answers questions about the dataset.")),
        Field("custodian_id", _l("Custodian"), "ref", ref="person",
              help=_l("Who is responsible for the dataset over time.")),
        Field("project_id", _l("Project"), "ref", ref="project"),
        Field("temporal_start", _l("Period from"), "date", help=_l("The first date the data covers.")),
        Field("temporal_end", _l("Period to"), "date", help=_l("The last date the data covers.")),
        Field("spatial", _l("Place"), "spatial", help=_l("The place or area the data covers, e.g. Dovrefjell.")),
    )),
    Step("storage", _l("Storage and publication"), _l("Where the data is kept and whether it is published."), (
        Field("storage_locations", _l("Storage locations"), "storage",
              help=_l("Each place the data is kept. Leave the last row empty if there are no more.")),
        Field("volume_bytes", _l("Size in bytes"), "int", help=_l("Approximate total size, in bytes.")),
        Field("documentation_status", _l("Documentation"), "concept", scheme="documentation-status"),
        Field("publication_status", _l("Publication status"), "concept", scheme="publication-status"),
        Field("landing_page", _l("Landing page"), "url", help=_l("A web page about the dataset, if it has one.")),
        Field("doi", _l("DOI"), "text", help=_l("For example 10.18710/ABC123, without https://doi.org/.")),
        Field("listed", _l("List the dataset in the public catalogue"), "bool",
              help=_l("Listed datasets can be seen by everyone, also without logging in.")),
    )),
)

STEP_KEYS = tuple(step.key for step in STEPS)
ALL_FIELDS = tuple(field for step in STEPS for field in step.fields)
FIELD_LABELS = {field.name: field.label for field in ALL_FIELDS}

DISTRIBUTION_FIELDS = (
    Field("title", _l("Title"), "lang", help=_l("For example “CSV export” or “Map service”.")),
    Field("access_url", _l("Access URL"), "url", required=True,
          help=_l("Where the data can be reached: a download, a service or a page.")),
    Field("download_url", _l("Download URL"), "url", help=_l("A direct link to the file, if there is one.")),
    Field("format", _l("File format"), "concept", scheme="eu-file-type"),
    Field("media_type", _l("Media type"), "concept", scheme="iana-media-type"),
    Field("byte_size", _l("Size in bytes"), "int"),
    Field("licence", _l("Licence"), "concept", scheme="eu-licence"),
)


def step_by_key(key: str) -> Step | None:
    return next((step for step in STEPS if step.key == key), None)
