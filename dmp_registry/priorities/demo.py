"""Demo data of priorities, loaded after datasets, systems and flows: a few assessments (one with an
override, one in progress, one published and verified), a comment, and a rescue intake by a
researcher who retires in 150 days (Ingrid Solberg), so every priorities page has something to show."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from ..auth.models import User
from ..auth.service import identity_for
from ..core.db import db
from ..core.identity import system_identity
from ..datasets.models import Dataset
from ..organisation.models import Person
from ..vocabularies.terms import local
from .schemas import AssessmentIn, RescueIntakeIn
from .scores import recompute
from .service import assessment_service, rescue_service


def _term(code: str) -> str:
    return local("assessment-term", code)


ASSESSMENTS = (
    ("Ingrid Solbergs lavsamlinger – digitale registreringer",
     {"scientific_value": _term("level-high"), "uniqueness": _term("level-high"), "regenerable": False,
      "format_risk": _term("format-at-risk"), "obligation_keep": True, "effort_secure_days": 5,
      "effort_publish_days": 15, "notes": "Eneste kopi på en ekstern disk på kontoret."}, ("in_progress",)),
    ("Arne Lunds registreringer av gravhauger",
     {"cultural_value": _term("level-high"), "archival_value": _term("level-high"),
      "custodian_status": _term("custodian-retired"), "regenerable": False, "securing_override": 92,
      "securing_override_reason": "Fylkeskommunen trenger registreringene til ny kulturminneplan i år."}, ()),
    ("Fugletaksering på Dovrefjell 1990–2023",
     {"scientific_value": _term("level-high"), "external_demand": _term("level-high"), "regenerable": False,
      "format_risk": _term("format-current"), "rights_clear": True},
     ("in_progress", "published", "verified")),
    ("Fotoarkivet ved Vitenskapsmuseet – negativer 1900–1980",
     {"cultural_value": _term("level-high"), "uniqueness": _term("level-high"), "format_risk": _term("format-obsolete"),
      "external_demand": _term("level-medium"), "obligation_publish": False, "effort_publish_days": 40}, ()),
)
RESCUE = [
    {"title": "Feltdagbøker lav og mose 1978–2005", "storage_kind": local("storage-kind", "paper"),
     "location": "Kontor 2.14, skap B", "format": "Notatbøker"},
    {"title": "Digitale bilder av lavprøver", "storage_kind": local("storage-kind", "external-disk"),
     "location": "Grå USB-disk i skuff", "volume_gb": 180, "format": "TIFF, JPEG",
     "medium": local("storage-medium", "disk")},
]


def _dataset_id(title_nb: str):
    for dataset_id, title in db.session.execute(select(Dataset.id, Dataset.title)):
        if (title or {}).get("nb") == title_nb:
            return dataset_id
    raise ValueError(f"demo data: no dataset titled {title_nb!r}")


def load_demo(today) -> dict:
    curator = db.session.scalar(select(User).where(User.username == "kurator"))
    identity = identity_for(curator) if curator else system_identity
    assessed = 0
    for title, fields, steps in ASSESSMENTS:
        data = AssessmentIn().load({"dataset_id": str(_dataset_id(title)), **fields})
        assessment = assessment_service.create(identity, data)
        for state in steps:
            assessment = assessment_service.transition(identity, assessment.id, state, assessment.version)
        assessed += 1
    first = assessment_service.for_dataset(identity, _dataset_id(ASSESSMENTS[0][0]))
    assessment_service.comment(identity, first.id, "Avtalt møte med Ingrid om overføring til institusjonell lagring.")
    retiring = db.session.scalar(select(Person).where(Person.email == "ingrid.solberg@example.ntnu.no"))
    intake = rescue_service.submit(system_identity, RescueIntakeIn().load({
        "retirement_date": (retiring.employment_end or today + dt.timedelta(days=150)).isoformat(),
        "person_id": str(retiring.id), "items": RESCUE}))
    scored = recompute(today=today)
    return {"assessments": assessed, "rescue_intakes": 1, "rescue_drafts": len(intake.dataset_ids), "scored_datasets": scored}
