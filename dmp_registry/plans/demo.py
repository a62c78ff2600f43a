"""Demo data of plans, loaded after datasets, systems and flows: the shipped templates, an approved plan
(with its submission snapshot) for the Dovrefjell bird project and a draft for the Hov excavations,
both linked to the demo datasets of their projects."""
from __future__ import annotations

from sqlalchemy import select

from ..core.db import db

FJELL_ANSWERS = {
    "se-1a": "Punkttakseringer av hekkefugl langs faste ruter på Dovrefjell hvert år (1990–2025), og gjenbruk av "
             "eldre takseringer fra museets arkiv.",
    "se-1b": "Tabeller (CSV) med observasjoner, GPS-spor (GPX) og feltskjema skannet som PDF/A; om lag 50 GB.",
    "se-2a": "Darwin Core for observasjonene; README med metode og rutebeskrivelser.",
    "se-2b": "Dobbel registrering av feltskjema og kontroll mot artslisten i Artsdatabanken.",
    "se-3a": "NTNUs forskningslagring med nattlig sikkerhetskopi; ingen data bare på bærbare maskiner.",
    "se-3a-backup": "Nattlig",
    "se-3b": "Hekkeplasser for kongeørn er strengt fortrolige og ligger bare i tilgangsstyrt område.",
    "se-4-personal": False,
    "se-4b": "NTNU eier dataene; observatører har gitt rett til bruk. Naturmangfoldloven gjelder.",
    "se-4c-ethics": False,
    "se-5a": "Observasjonene publiseres åpent i GBIF etter hver sesong; hekkeplasser generaliseres til 10 km.",
    "se-5b": "Hele tidsserien arkiveres i DataverseNO ved prosjektslutt.",
    "se-5c": "Alle filer kan leses med vanlig programvare (CSV, PDF/A).",
    "se-6a": "Prosjektleder Kari Nordmann; kurator ved Institutt for naturhistorie etter prosjektslutt.",
    "se-6b": "Ti prosent av en stilling til datahåndtering, og lagringskostnader fra registeret.",
    "se-6b-cost": 85000,
}

HOV_ANSWERS = {
    "vm-department": "archaeology",
    "vm-summary": "Dokumentasjon fra utgravingene på Hov 2019–2022: tegninger, foto, funnlister og stedfestede lokaliteter.",
    "vm-specimens": "Gjenstandsfunn med museumsnummer i MUSIT, jordprøver og trekullprøver til datering.",
    "vm-collection-db": "musit",
    "vm-sensitive-locations": True,
}


def _user(username):
    from ..auth.models import User

    return db.session.scalar(select(User).where(User.username == username))


def _dataset(title_nb):
    from ..datasets.models import Dataset
    from ..organisation.models import sort_key

    return db.session.scalar(select(Dataset).where(Dataset.title_sort == sort_key({"nb": title_nb})))


def _project(title_nb):
    from ..organisation.models import Project, sort_key

    return db.session.scalar(select(Project).where(Project.title_sort == sort_key({"nb": title_nb})))


def load_demo(today) -> dict:
    from ..auth.service import identity_for
    from . import mail, review
    from .loader import load_templates
    from .service import plan_service, template_service, template_version_service

    load_templates()
    kari, ola, marit = (_user(name) for name in ("forsker", "arkeolog", "kurator"))
    fjell, hov = _project("Fjellfugl i endring – Dovrefjell"), _project("Utgravingene på Hov")
    if None in (kari, ola, marit, fjell, hov):
        return {"plan templates": 3, "plans": 0}
    researcher, archaeologist, curator = identity_for(kari), identity_for(ola), identity_for(marit)

    def version_of(key):
        return template_version_service.latest_published(template_service.by_key(key).id)

    approved = plan_service.create(researcher, {
        "title": "Datahåndteringsplan for Fjellfugl i endring", "language": "nb", "project_id": fjell.id,
        "template_version_id": version_of("science-europe").id, "dmp_identifier": None})
    plan_service.add_contributor(researcher, approved.id, marit.person_id, "reviewer")
    for title in ("Fugletaksering på Dovrefjell 1990–2023", "Hekkeplasser for kongeørn (sensitiv)"):
        dataset = _dataset(title)
        if dataset is not None:
            plan_service.add_dataset(researcher, approved.id, dataset.id)
    for key, value in FJELL_ANSWERS.items():
        plan_service.save_answer(researcher, approved.id, key, value, None)
    review.submit(researcher, approved.id)
    review.approve(curator, approved.id, message="Godkjent. Husk å oppdatere planen når dataene arkiveres.")

    draft = plan_service.create(archaeologist, {
        "title": "DMP for utgravingene på Hov", "language": "nb", "project_id": hov.id,
        "template_version_id": version_of("vitenskapsmuseet").id})
    plan_service.add_contributor(archaeologist, draft.id, marit.person_id, "reviewer")
    for title in ("Utgravningsdokumentasjon Hov 2019–2022", "Uutgravde kulturminner – lokaliteter (sensitiv)"):
        dataset = _dataset(title)
        if dataset is not None:
            plan_service.add_dataset(archaeologist, draft.id, dataset.id)
    for key, value in HOV_ANSWERS.items():
        plan_service.save_answer(archaeologist, draft.id, key, value, None)
    db.session.info.pop(mail.PENDING, None)  # demo people get no e-mail, even where SMTP is configured
    return {"plan templates": 3, "plans": 2}
