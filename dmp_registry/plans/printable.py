"""The plan as a document for a funder: the template's headings, the answers and the dataset table with
the registry's facts, through core.printable (HTML, PDF, DOCX from one block model)."""
from __future__ import annotations

import datetime as dt

from flask import has_request_context

from ..core.printable import Printable
from ..vocabularies.models import pick_label
from .snapshots import render_content

LABELS = {
    "nb": {"plan": "Datahåndteringsplan", "project": "Prosjekt", "funder": "Finansiør", "grant": "Tildelings-ID",
           "template": "Mal", "version": "versjon", "status": "Status", "identifier": "Identifikator",
           "contributors": "Bidragsytere", "datasets": "Datasett", "title": "Tittel", "access": "Tilgang",
           "licence": "Lisens", "personal": "Personopplysninger", "storage": "Lagring", "volume": "Volum",
           "distributions": "Distribusjoner", "cost": "Anslått lagringskostnad per år (NOK)",
           "no_answer": "(ikke besvart)", "printed": "Utskrevet", "hidden": "(datasett du ikke har tilgang til)",
           "cost_total": "Anslått lagringskostnad for alle datasett per år", "yes": "Ja", "no": "Nei",
           "owner": "eier", "co_author": "medforfatter", "reviewer": "fagfellevurderer",
           "draft": "utkast", "submitted": "sendt til vurdering", "returned": "sendt tilbake", "approved": "godkjent"},
    "en": {"plan": "Data management plan", "project": "Project", "funder": "Funder", "grant": "Grant ID",
           "template": "Template", "version": "version", "status": "Status", "identifier": "Identifier",
           "contributors": "Contributors", "datasets": "Datasets", "title": "Title", "access": "Access",
           "licence": "Licence", "personal": "Personal data", "storage": "Storage", "volume": "Volume",
           "distributions": "Distributions", "cost": "Estimated storage cost per year (NOK)",
           "no_answer": "(not answered)", "printed": "Printed", "hidden": "(a dataset you may not see)",
           "cost_total": "Estimated storage cost of all datasets per year", "yes": "Yes", "no": "No",
           "owner": "owner", "co_author": "co-author", "reviewer": "reviewer",
           "draft": "draft", "submitted": "submitted for review", "returned": "returned", "approved": "approved"},
}


def plan_printable(plan, lang: str | None = None, identity=None, content: dict | None = None) -> Printable:
    """`content` (e.g. a snapshot's) prints that frozen state instead of the plan as it is now."""
    lang = "en" if (lang or plan.language) == "en" else "nb"
    if identity is None:
        from ..auth.current import current_identity

        identity = current_identity() if has_request_context() else None  # None: everything (CLI, benchmark)
    content = content or render_content(plan, identity, lang)
    return printable_from_content(content, lang)


def printable_from_content(content: dict, lang: str) -> Printable:
    t = LABELS[lang]
    doc = Printable(title=content["title"], subtitle=t["plan"], lang=lang,
                    footer=f"{content['title']} · {t['printed']} {dt.date.today().isoformat()}")
    project = content["project"]
    template = content["template"]
    doc.fields([
        (t["project"], pick_label(project["title"], lang)),
        (t["funder"], project.get("funder") or ""),
        (t["grant"], project.get("grant_id") or ""),
        (t["template"], f"{pick_label(template['title'], lang)}, {t['version']} {template['number']}"),
        (t["status"], t.get(content["status"], content["status"])),
        (t["identifier"], content.get("dmp_identifier") or content["uri"]),
        (t["contributors"], "\n".join(f"{c['name']} ({t.get(c['role'], c['role'])})" for c in content["contributors"])),
    ])
    for section in content["sections"]:
        doc.heading(pick_label(section["title"], lang) or section["key"], level=1)
        for question in section["questions"]:
            doc.heading(pick_label(question["text"], lang) or question["key"], level=2)
            if question["type"] == "datasets":
                _dataset_table(doc, content["datasets"], t)
            else:
                doc.paragraph(question["display"] or t["no_answer"])
    if not any(q["type"] == "datasets" for s in content["sections"] for q in s["questions"]):
        doc.heading(t["datasets"], level=1)
        _dataset_table(doc, content["datasets"], t)
    if content.get("storage_cost_per_year"):
        doc.fields([(t["cost_total"], f"{content['storage_cost_per_year']:.2f} NOK")])
    return doc


def _dataset_table(doc: Printable, datasets: list[dict], t: dict) -> None:
    """A summary table (five columns fit A4 without breaking words), then each dataset's storage and access."""
    rows, details = [], []
    for facts in datasets:
        if facts.get("hidden"):
            rows.append([t["hidden"], "", "", "", ""])
            continue
        cost = facts.get("estimated_storage_cost")
        access = "\n".join(filter(None, [(facts.get("access_rights") or {}).get("label"),
                                         (facts.get("licence") or {}).get("label")]))
        rows.append([facts["title"], access, t["yes"] if facts["contains_personal_data"] else t["no"],
                     facts.get("volume") or "", f"{cost['per_year']:.2f}" if cost else ""])
        storage = "\n".join(", ".join(filter(None, [
            (loc.get("kind") or {}).get("label"), loc.get("description"),
            f"{loc.get('copies')}x" if loc.get("copies") else None])) for loc in facts["storage_locations"])
        links = [f"https://doi.org/{facts['doi']}"] if facts.get("doi") else []
        links += [d.get("access_url") for d in facts["distributions"] if d.get("access_url")]
        details.append((facts["title"], storage, "\n".join(links)))
    doc.table([t["title"], f"{t['access']} / {t['licence']}", t["personal"], t["volume"], t["cost"]], rows,
              caption=t["datasets"])
    for title, storage, links in details:
        doc.fields([(title, ""), (t["storage"], storage), (t["distributions"], links)])
