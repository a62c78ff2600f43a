"""Named indicators computed from the registry: `indicator(session, as_of) -> number`.

Goals name one of these instead of having a number typed in. Each counts records that exist at the
end of `as_of` (created on or before that day) and are in the required state *now* — the registry
keeps no full history of every field, so past days are only exact for the day they were snapshotted
(`dmp programme snapshot` runs daily, which is what the trends show).

Indicators over the priorities and plans areas read those areas' tables by name and only register
when the tables and columns exist (the areas are optional to this module)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable

from sqlalchemy import and_, func, select

from ..core.db import Base


@dataclass(frozen=True)
class Indicator:
    name: str
    label: dict  # {nb, en}
    description: dict  # {nb, en}
    compute: Callable  # (session, as_of: date) -> number
    area: str = "registry"

    def __call__(self, session, as_of: dt.date):
        return self.compute(session, as_of)


_INDICATORS: dict[str, Indicator] = {}


def indicator(name: str, label: dict, description: dict, area: str = "registry", available: Callable = lambda: True):
    """Decorator: register `fn(session, as_of)` under `name` (when `available()`)."""
    def register(fn):
        if available():
            _INDICATORS[name] = Indicator(name, label, description, fn, area)
        return fn
    return register


def indicators() -> dict[str, Indicator]:
    return dict(_INDICATORS)


def get(name: str) -> Indicator | None:
    return _INDICATORS.get(name)


def compute(session, name: str, as_of: dt.date) -> float:
    return float(_INDICATORS[name](session, as_of))


_MEMO: dict = {}  # (database, change key, name, day) → (value, computed at)
MEMO_SECONDS = 60


def cached(session, name: str, as_of: dt.date) -> float:
    """`compute` for pages: remembered while the registry's change key (newest history entry, newest
    dataset change — every service write moves it) stays the same, and at most MEMO_SECONDS, since
    bulk SQL of other areas may not record history. Snapshots and tests call `compute` directly."""
    import time

    from ..dcat.records import change_key

    key = (*change_key(), name, as_of)
    hit = _MEMO.get(key)
    now = time.monotonic()
    if hit is not None and now - hit[1] < MEMO_SECONDS:
        return hit[0]
    if len(_MEMO) > 512:
        _MEMO.clear()
    value = compute(session, name, as_of)
    _MEMO[key] = (value, now)
    return value


def end_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=dt.timezone.utc)


def _count(session, model, as_of, *conditions) -> int:
    stmt = select(func.count()).select_from(model).where(model.created_at < end_of(as_of), *conditions)
    return session.scalar(stmt) or 0


# ---- systems and flows (issue 5) ---------------------------------------------------------------
@indicator("systems_registered",
           {"nb": "IT-systemer registrert", "en": "IT systems registered"},
           {"nb": "Antall IT-systemer i porteføljen.", "en": "Number of IT systems in the portfolio."})
def systems_registered(session, as_of):
    from ..systems.models import ItSystem

    return _count(session, ItSystem, as_of)


@indicator("systems_owner_classification",
           {"nb": "IT-systemer med eier og klassifisering", "en": "IT systems with owner and classification"},
           {"nb": "IT-systemer som har både systemeier og informasjonssikkerhetsklassifisering.",
            "en": "IT systems that have both a system owner and an information security classification."})
def systems_owner_classification(session, as_of):
    from ..systems.models import ItSystem

    return _count(session, ItSystem, as_of, ItSystem.system_owner_id.is_not(None), ItSystem.classification.is_not(None))


@indicator("flows_mapped",
           {"nb": "Dataflyter kartlagt", "en": "Data flows mapped"},
           {"nb": "Dataflyter registrert med kilde og mål, unntatt forslag som fortsatt er planlagt.",
            "en": "Data flows registered with source and target, except proposals still marked planned."})
def flows_mapped(session, as_of):
    from ..flows.models import DataFlow
    from ..vocabularies.terms import local

    return _count(session, DataFlow, as_of, DataFlow.status != local("flow-status", "planned"))


# ---- datasets and the DCAT feed (issues 3, 6) -----------------------------------------------------
@indicator("datasets_registered",
           {"nb": "Datasett registrert", "en": "Datasets registered"},
           {"nb": "Antall datasett i registeret.", "en": "Number of datasets in the registry."})
def datasets_registered(session, as_of):
    from ..datasets.models import Dataset

    return _count(session, Dataset, as_of)


@indicator("datasets_metadata_complete",
           {"nb": "Datasett med fullstendige obligatoriske metadata",
            "en": "Datasets with complete mandatory metadata"},
           {"nb": "Datasett som har alle DCAT-AP-NO-obligatoriske felt (samme regel som for publisering).",
            "en": "Datasets with every DCAT-AP-NO mandatory field (the same rule as for listing)."})
def datasets_metadata_complete(session, as_of):
    from ..datasets.models import Dataset
    from ..dcat.publishable import missing_for_listing

    stmt = (select(Dataset.title, Dataset.description, Dataset.themes)
            .where(Dataset.created_at < end_of(as_of)).execution_options(yield_per=2000))
    return sum(1 for title, description, themes in session.execute(stmt)
               if not missing_for_listing({"title": title, "description": description, "themes": themes}))


@indicator("datasets_published",
           {"nb": "Datasett publisert i DCAT-strømmen", "en": "Datasets published in the DCAT feed"},
           {"nb": "Datasett som den offentlige DCAT-strømmen viser (samme regel som strømmen).",
            "en": "Datasets the public DCAT feed shows (the same rule as the feed)."})
def datasets_published(session, as_of):
    from ..datasets.models import Dataset
    from ..dcat.records import public_filter

    return _count(session, Dataset, as_of, public_filter())


# ---- priorities (issue 7) and plans (issue 8): read by table and column names -----------------------
def _table(name: str, *columns: str):
    """The table `name` if the area's models are loaded and have `columns`, else None."""
    import dmp_registry.models  # noqa: F401 - every area's tables into Base.metadata

    table = Base.metadata.tables.get(name)
    if table is None or any(c not in table.c for c in columns):
        return None
    return table


def _has(name: str, *columns: str) -> Callable[[], bool]:
    return lambda: _table(name, *columns) is not None


def _count_rows(session, table, as_of, *conditions) -> int:
    stmt = select(func.count()).select_from(table).where(table.c.created_at < end_of(as_of), *conditions)
    return session.scalar(stmt) or 0


ASSESSED_STATES = ("assessed", "in_progress", "secured", "published", "verified")
SECURED_STATES = ("secured", "published", "verified")


def _states_from(first: str, fallback: tuple) -> tuple:
    """The priorities workflow's states from `first` on, read from its models (ordered), so a state added
    there later is counted; the fallback when the area does not say."""
    try:
        from ..priorities.models import STATES
    except ImportError:
        return fallback
    return tuple(STATES[STATES.index(first):]) if first in STATES else fallback


def register_area_indicators() -> None:
    """Called once at import; safe to call again (e.g. when the other areas' models appear later)."""

    @indicator("datasets_assessed",
               {"nb": "Datasett vurdert", "en": "Datasets assessed"},
               {"nb": "Datasett med en prioriteringsvurdering (vurdert eller lenger i arbeidsflyten).",
                "en": "Datasets with a priority assessment (assessed or further along the workflow)."},
               area="priorities", available=_has("assessment", "state", "created_at"))
    def datasets_assessed(session, as_of):
        table = _table("assessment", "state", "created_at")
        return _count_rows(session, table, as_of, table.c.state.in_(_states_from("assessed", ASSESSED_STATES)))

    @indicator("datasets_secured",
               {"nb": "Datasett sikret", "en": "Datasets secured"},
               {"nb": "Datasett som er sikret (eller publisert/verifisert etter sikring).",
                "en": "Datasets that are secured (or published/verified after securing)."},
               area="priorities", available=_has("assessment", "state", "created_at"))
    def datasets_secured(session, as_of):
        table = _table("assessment", "state", "created_at")
        return _count_rows(session, table, as_of, table.c.state.in_(_states_from("secured", SECURED_STATES)))

    @indicator("rescue_intakes_completed",
               {"nb": "Redningsinntak fullført", "en": "Rescue intakes completed"},
               {"nb": "Innsendte lister over data fra ansatte som slutter (seniordata), med utkast til datasett.",
                "en": "Submitted lists of holdings of leaving staff (seniordata), turned into draft datasets."},
               area="priorities", available=_has("rescue_intake", "created_at"))
    def rescue_intakes_completed(session, as_of):
        table = _table("rescue_intake", "created_at")
        return _count_rows(session, table, as_of)

    _plan_indicators()


def _plan_indicators() -> None:
    """DMP templates with a published version; plans approved (issue 8's tables, when present)."""
    template = _find_table(("dmp_template_version", "template_version", "plan_template_version"))
    if template is not None and "published_at" in template.c:
        key = next((c for c in ("template_id", "dmp_template_id") if c in template.c), None)
        if key is not None:
            @indicator("dmp_templates_published",
                       {"nb": "DMP-maler publisert", "en": "DMP templates published"},
                       {"nb": "Maler for datahåndteringsplaner med minst én publisert versjon.",
                        "en": "Data management plan templates with at least one published version."}, area="plans")
            def dmp_templates_published(session, as_of):
                published = template.c.published_at.is_not(None)
                if "status" in template.c:  # a retired version no longer counts
                    published = and_(published, template.c.status == "published")
                stmt = select(func.count(func.distinct(template.c[key]))).where(
                    published, template.c.published_at < end_of(as_of))
                return session.scalar(stmt) or 0
    plan = _find_table(("plan", "dmp_plan", "data_management_plan"))
    if plan is not None and {"status", "created_at"} <= set(plan.c.keys()):
        @indicator("plans_approved",
                   {"nb": "Datahåndteringsplaner godkjent", "en": "Plans approved"},
                   {"nb": "Datahåndteringsplaner med status godkjent.", "en": "Data management plans with status approved."},
                   area="plans")
        def plans_approved(session, as_of):
            return _count_rows(session, plan, as_of, plan.c.status == "approved")


def _find_table(names):
    for name in names:
        table = _table(name)
        if table is not None:
            return table
    return None


register_area_indicators()
