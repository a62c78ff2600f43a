"""Demo data of programme, loaded after datasets, systems and flows: measure 25 "Digital infrastruktur"
of the museum's action plan 2019–2021 with its twelve activities as far as the status report (seed 000)
names them. The five activities the report only counts ("five are not started") get plausible titles
and are marked as examples."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from ..core.db import db
from ..core.identity import system_identity
from ..organisation.models import Person
from ..vocabularies.terms import local
from . import schemas as s
from .indicators import get as indicator
from .service import activity_service, benefit_service, goal_service, measure_service, snapshot_goals, time_entry_service

MEASURE = {
    "code": "25",
    "programme": {"nb": "Tiltaksplan for NTNU Vitenskapsmuseet 2019–2021", "en": "NTNU University Museum action plan 2019–2021"},
    "title": {"nb": "Digital infrastruktur", "en": "Digital infrastructure"},
    "description": {"nb": "NTNU Vitenskapsmuseet skal utvikle en effektiv digital infrastruktur for forvaltning, sikring og "
                          "formidling av data og dokumentasjon fra forskning og samling.",
                    "en": "NTNU University Museum will develop an efficient digital infrastructure for managing, securing "
                          "and disseminating data and documentation from research and collections."},
    "further_plans": "Ja, tiltaksansvarlige ble bedt om en mer detaljert ressurssetting av tiltakene og gjennomgang av "
                     "realistiske ambisjonsnivå og tidsplaner, notat datert 27.03.2019 (2018/5879). Tiltaket ble delt opp "
                     "i 12 aktiviteter.",
}

# code, nb, en, status, responsible, {unit: planned hours}, example, results, goals [(nb, en, indicator, target)]
ACTIVITIES = (
    ("25.1", "Mal for dataforvaltningsplaner", "Template for data management plans", "completed-as-planned", "solveig",
     {"INH": 40, "IAK": 40}, False, "Mal for dataforvaltningsplaner for utvalgte aktiviteter ved IAK og INH.",
     [("DMP-maler publisert", "DMP templates published", "dmp_templates_published", 1)]),
    ("25.2", "Seniordata-pilot", "Seniordata pilot", "completed-as-planned", "solveig", {"VM-ADM": 80}, False,
     "Pilot for sikring av data fra ansatte som går av med pensjon.",
     [("Redningsinntak fullført", "Rescue intakes completed", "rescue_intakes_completed", 2)]),
    ("25.3", "Utredning om felles lagring av foto og arkivalia med Universitetsbiblioteket",
     "Study of shared storage of photos and archival material with the University Library", "completed-as-planned", "per",
     {"VM-ADM": 60}, False, "Utredning om mulig felles løsning for lagring av foto og arkivalia.", []),
    ("25.4", "Kartlegging av porteføljen av IT-systemer", "Mapping the IT-system portfolio", "in-progress", "marit",
     {"VM-ADM": 80, "INH": 40, "IAK": 40}, False, "",
     [("IT-systemer med eier og klassifisering", "IT systems with owner and classification",
       "systems_owner_classification", 20)]),
    ("25.5", "Kartlegging av dataflyt", "Mapping data flow", "in-progress", "marit", {"VM-ADM": 80, "INH": 40}, False, "",
     [("Dataflyter kartlagt", "Data flows mapped", "flows_mapped", 15)]),
    ("25.6", "Registrering av data og dokumentasjon på datasettnivå", "Registering data and documentation at dataset level",
     "in-progress", "kari", {"INH": 160, "IAK": 140}, False, "",
     [("Datasett registrert", "Datasets registered", "datasets_registered", 100),
      ("Datasett med fullstendige obligatoriske metadata", "Datasets with complete mandatory metadata",
       "datasets_metadata_complete", 80)]),
    ("25.7", "Prioriteringsliste for sikring og publisering av datasett og dokumentasjon",
     "Priority list for securing and publishing datasets and documentation", "in-progress", "ola",
     {"INH": 60, "IAK": 60}, False, "",
     [("Datasett vurdert", "Datasets assessed", "datasets_assessed", 50),
      ("Datasett publisert i DCAT-strømmen", "Datasets published in the DCAT feed", "datasets_published", 20)]),
    ("25.8", "Publisering av datasett i nasjonal datakatalog (eksempel)", "Publishing datasets in the national data catalogue "
     "(example)", "not-started", "kari", {"INH": 60, "IAK": 80}, True, "", []),
    ("25.9", "Sikring av eldre digitale data (eksempel)", "Securing older digital data (example)", "not-started", "ola",
     {"INH": 60, "IAK": 60}, True, "", [("Datasett sikret", "Datasets secured", "datasets_secured", 30)]),
    ("25.10", "Opplæring i datahåndtering for ansatte (eksempel)", "Data management training for staff (example)",
     "not-started", "solveig", {"VM-ADM": 40}, True, "", [("Ansatte som har fått opplæring", "Staff trained", None, 40)]),
    ("25.11", "Retningslinjer for lagring og arkivering (eksempel)", "Guidelines for storage and archiving (example)",
     "not-started", "solveig", {"VM-ADM": 40}, True, "", []),
    ("25.12", "Rutine for sikring av data ved avgang (eksempel)", "Routine for securing data when staff leave (example)",
     "not-started", "solveig", {"VM-ADM": 20}, True, "", []),
)  # planned hours add up to the 1,280 hours of the 2019 plan

DEPENDENCIES = {"25.5": ["25.4"], "25.7": ["25.6"], "25.8": ["25.7"], "25.9": ["25.7"], "25.12": ["25.2"]}
RISKS = {"25.4": [{"level": "high", "title": "Få ansatte har kapasitet til kartleggingen",
                   "mitigation": "Dedikert prosjektleder og timer avsatt per enhet"}],
         "25.6": [{"level": "medium", "title": "Metadata registreres ulikt ved instituttene",
                   "mitigation": "Felles skjema og obligatoriske felt i registeret"}]}
# (activity, person, weeks ago, hours): some reported hours
HOURS = (("25.4", "marit", 1, 6), ("25.4", "marit", 2, 7.5), ("25.4", "kari", 2, 3), ("25.5", "marit", 1, 4),
         ("25.6", "kari", 1, 8), ("25.6", "ola", 1, 5), ("25.6", "kari", 3, 6), ("25.7", "ola", 2, 4))
BENEFITS = (
    ("25.4", "time-saved", {"nb": "Raskere svar på spørsmål om hvilke systemer som har hvilke data",
                            "en": "Faster answers to which systems hold which data"},
     "Timer brukt per forespørsel før og etter kartleggingen", 50, "timer per år"),
    ("25.6", "data-opened", {"nb": "Flere datasett tilgjengelige i nasjonal datakatalog",
                             "en": "More datasets available in the national data catalogue"},
     "Antall datasett i DCAT-strømmen (indikator)", 20, "datasett"),
    ("25.9", "risk-reduced", {"nb": "Mindre risiko for tap av eldre data", "en": "Less risk of losing older data"},
     "Antall sikrede datasett med to kopier", 30, "datasett"),
)


def load_demo(today) -> dict:
    people = {p.email.split(".")[0]: p for p in db.session.scalars(select(Person)) if p.email}
    measure = measure_service.create(system_identity, s.MeasureIn().load(
        {**MEASURE, "responsible_id": str(people["solveig"].id)}))
    activities, n_goals = {}, 0
    for code, nb, en, state, who, units, example, results, goals in ACTIVITIES:
        data = {"measure_id": str(measure.id), "code": code, "title": {"nb": nb, "en": en},
                "status": local("activity-status", state), "responsible_id": str(people[who].id),
                "planned_hours": sum(units.values()), "units": [{"unit": u, "planned_hours": h} for u, h in units.items()],
                "period_start": "2019-04-01", "period_end": "2021-12-31", "example": example,
                "results": results or None, "risks": RISKS.get(code, []),
                "depends_on_ids": [str(activities[d].id) for d in DEPENDENCIES.get(code, [])]}
        if state.startswith("completed"):
            data["status_date"] = "2021-12-31"
        activities[code] = activity_service.create(system_identity, s.ActivityIn().load(data))
        for goal_nb, goal_en, name, target in goals:
            if name and indicator(name) is None:
                continue  # that area is not installed
            payload = {"activity_id": str(activities[code].id), "title": {"nb": goal_nb, "en": goal_en}, "target": target,
                       "indicator": name}
            if name is None:
                payload.update(current_value=0, current_date=today.isoformat())
            goal_service.create(system_identity, s.GoalIn().load(payload))
            n_goals += 1
    for code, who, weeks_ago, hours in HOURS:
        week = s.week_of(today - dt.timedelta(weeks=weeks_ago))
        time_entry_service.create(system_identity, s.TimeEntryIn().load(
            {"person_id": str(people[who].id), "activity_id": str(activities[code].id), "week": week, "hours": hours}))
    for code, kind, description, measured_by, expected, unit in BENEFITS:
        benefit_service.create(system_identity, s.BenefitIn().load(
            {"activity_id": str(activities[code].id), "kind": local("benefit-kind", kind), "description": description,
             "measured_by": measured_by, "expected_value": expected, "value_unit": unit}))
    snapshot_goals(today)
    return {"activities": len(activities), "goals": n_goals, "time_entries": len(HOURS), "benefits": len(BENEFITS)}
