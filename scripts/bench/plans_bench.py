"""Plans benchmark (issue 8): 100 plans to PDF (the maDMP JSON export of 1,000 plans is madmp_bench.py).

    .venv/bin/python scripts/bench/plans_bench.py [--plans 100] [--db sqlite] [--db postgresql] [--out docs/bench/plans.json]

Loads the shipped templates and creates N plans on the Science Europe template, every question answered
(about 2 kB of text per plan) and three registry datasets per plan (with storage locations and a
distribution), then measures, per plan: reading the plan and rendering it to PDF through
plans/printable.py (registry facts included), the same to HTML, and the PDF through the API
(`GET /api/v1/plans/<id>.pdf`, permission checks and serialisation included). Reports the total for all
N plans and p50/p95 per plan.
"""
from __future__ import annotations

import json
import sys
import time
import uuid
from contextlib import nullcontext
from pathlib import Path

import click

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import fresh_app, machine, postgres_url, progressbar, timed  # noqa: E402

TEXT = ("Punkttakseringer av hekkefugl langs faste ruter, med kontroll mot artslisten og dobbel registrering "
        "av feltskjema. Dataene lagres i NTNUs forskningslagring med nattlig sikkerhetskopi. ")


def answer_for(question: dict, dataset_ids: list[str]):
    kind = question["type"]
    if kind in ("text", "richtext"):
        return TEXT * 2
    if kind == "yesno":
        return True
    if kind == "number":
        return 120000
    if kind == "date":
        return "2027-06-30"
    if kind == "choice":
        return question["options"][0]["value"] if question.get("options") else None
    return dataset_ids


def populate(app, n_plans: int) -> dict:
    from dmp_registry.auth.service import identity_for, user_service
    from dmp_registry.core.identity import system_identity
    from dmp_registry.core.uow import unit_of_work
    from dmp_registry.datasets.schemas import DatasetIn, DistributionIn
    from dmp_registry.datasets.service import dataset_service, distribution_service
    from dmp_registry.organisation.schemas import PersonIn, ProjectIn, UnitIn
    from dmp_registry.organisation.service import person_service, project_service, unit_service
    from dmp_registry.plans.completeness import iter_questions
    from dmp_registry.plans.loader import load_templates
    from dmp_registry.plans.service import plan_service, template_service, template_version_service
    from dmp_registry.vocabularies.terms import local

    eu = "http://publications.europa.eu/resource/authority"
    with app.app_context():
        with unit_of_work():
            load_templates()
            unit = unit_service.create(system_identity, UnitIn().load({"code": "INH", "name": {"nb": "Naturhistorie"}}))
            person = person_service.create(system_identity, PersonIn().load(
                {"name": "Kari Nordmann", "email": "kari@bench.example", "unit_id": str(unit.id)}))
            user = user_service.create(system_identity, {"username": "bench", "roles": ["researcher"],
                                                         "person_id": person.id, "password": "a-long-password"})
            _t, token = user_service.create_token(system_identity, user.id, "bench")
            identity = identity_for(user)
            version = template_version_service.latest_published(template_service.by_key("science-europe").id)
            questions = [q for _s, q in iter_questions(version.content)]
        plan_ids = []
        with progressbar(n_plans, "Plans") as bar:
            for i in range(n_plans):
                with unit_of_work():
                    project = project_service.create(system_identity, ProjectIn().load({
                        "title": {"nb": f"Prosjekt {i}"}, "unit_id": str(unit.id), "funder": "Forskningsrådet",
                        "start_date": "2026-01-01", "end_date": "2029-12-31"}))
                    dataset_ids = []
                    for d in range(3):
                        dataset = dataset_service.create(identity, DatasetIn().load({
                            "title": {"nb": f"Datasett {i}.{d}", "en": f"Dataset {i}.{d}"}, "unit_id": str(unit.id),
                            "dataset_type": local("dataset-type", "research-data"),
                            "classification": local("classification", "internal"), "project_id": str(project.id),
                            "access_rights": f"{eu}/access-right/PUBLIC", "licence": f"{eu}/licence/CC_BY_4_0",
                            "volume_bytes": (d + 1) * 10**11, "storage_locations": [
                                {"kind": local("storage-kind", "institutional-backed-up"), "copies": 2}]}))
                        distribution_service.create(identity, DistributionIn().load({
                            "dataset_id": str(dataset.id), "access_url": f"https://data.example.org/{i}/{d}"}))
                        dataset_ids.append(str(dataset.id))
                    plan = plan_service.create(identity, {"title": f"Datahåndteringsplan {i}", "language": "nb",
                                                          "project_id": project.id, "template_version_id": version.id})
                    for question in questions:
                        value = answer_for(question, dataset_ids)
                        if value is not None:
                            plan_service.save_answer(identity, plan.id, question["key"], value, None)
                    plan_ids.append(plan.id)
                bar.update(1)
    return {"plan_ids": plan_ids, "token": token, "identity": identity}


def measure(app, setup: dict) -> dict:
    from dmp_registry.plans.printable import plan_printable
    from dmp_registry.plans.service import plan_service

    ids, identity = setup["plan_ids"], setup["identity"]
    pages = []

    def pdf(i):
        with app.app_context():
            data = plan_printable(plan_service.read(identity, ids[i]), "nb", identity).to_pdf()
            pages.append(len(data))

    def html(i):
        with app.app_context():
            plan_printable(plan_service.read(identity, ids[i]), "en", identity).to_html()

    client, headers = app.test_client(), {"Authorization": f"Bearer {setup['token']}"}

    def api_pdf(i):
        response = client.get(f"/api/v1/plans/{ids[i]}.pdf", headers=headers)
        assert response.status_code == 200 and response.data.startswith(b"%PDF"), response.status_code

    n = len(ids)
    results = {}
    for name, fn in (("pdf", pdf), ("html", html), ("api_pdf", api_pdf)):
        start = time.perf_counter()
        stats = timed(fn, n, name)
        results[name] = {"total_s": round(time.perf_counter() - start, 2), "per_plan_ms": stats}
    results["pdf"]["mean_bytes"] = int(sum(pages) / max(len(pages), 1))
    return results


@click.command()
@click.option("--plans", "n_plans", default=100, show_default=True)
@click.option("--db", "dbs", multiple=True, type=click.Choice(["sqlite", "postgresql"]), default=["sqlite"])
@click.option("--out", type=click.Path(path_type=Path))
def main(n_plans, dbs, out):
    results = {"machine": machine(), "plans": n_plans, "runs": {}}
    for name in dbs:
        with (postgres_url() if name == "postgresql" else nullcontext(None)) as pg_url:
            url = pg_url or f"sqlite:////tmp/dmp-plans-bench-{uuid.uuid4().hex[:6]}.sqlite"
            app = fresh_app(url)
            results["runs"][name] = measure(app, populate(app, n_plans))
            app.extensions["dmp_engine"].dispose()
    lines = [f"{results['machine']}; {n_plans} plans (Science Europe template, all answered, 3 datasets each)"]
    for name, run in results["runs"].items():
        lines.append(f"{name}: " + "; ".join(
            f"{kind} {run[kind]['total_s']} s total, p50/p95 {run[kind]['per_plan_ms']['p50']:.1f}/"
            f"{run[kind]['per_plan_ms']['p95']:.1f} ms per plan" for kind in ("pdf", "html", "api_pdf")))
    click.echo("\n".join(lines))
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(results, indent=2, default=str))


if __name__ == "__main__":
    main()
