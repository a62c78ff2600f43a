"""maDMP benchmark (issue 8): export of 1,000 plans to maDMP 1.2 JSON, and import of official examples.

    .venv/bin/python scripts/bench/madmp_bench.py [--plans 1000] [--db sqlite --db postgresql] [--out docs/bench/madmp.json]

Each plan has 2 registry datasets (one published with a DOI and a DCAT distribution, one with a storage
location), an owner and a co-author, 8 answers (mapped and unmapped questions); plans are created in bulk
first (ORM bulk adds, one commit per 200). The export is timed as a whole (`export_plans`, batches of 100,
as `dmp plans export-madmp` does) and per plan (`export_plan`, p50/p95); every 50th document is validated
against the official schema. The import times `import_madmp` of the ten official examples in turn.
BENCH_PG_URL names a PostgreSQL database to use (it is emptied), else scripts/pg/start.sh starts one.
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
from common import bar_chart_svg, fresh_app, machine, postgres_url, progressbar, timed  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
EU = "http://publications.europa.eu/resource/authority"
CHUNK = 200


def template_content() -> dict:
    def q(key, path, kind="text"):
        return {"key": key, "text": {"nb": key, "en": key}, "type": kind, "madmp_path": path}

    return {"sections": [
        {"key": "s1", "title": {"nb": "Data", "en": "Data"}, "questions": [
            q("desc", "dmp.description"), q("datasets", "dmp.dataset", "datasets"),
            q("quality", "dmp.dataset[*].data_quality_assurance"), q("notes", None)]},
        {"key": "s2", "title": {"nb": "Etikk", "en": "Ethics"}, "questions": [
            q("ethics", "dmp.ethical_issues_exist", "yesno"),
            q("security", "dmp.dataset[*].security_and_privacy[].description"),
            q("preserve", "dmp.dataset[*].preservation_statement"),
            q("backup", "dmp.dataset[*].distribution[].host.backup_frequency")]},
        {"key": "s3", "title": {"nb": "Kostnader", "en": "Costs"}, "questions": [
            q("cost", "dmp.cost[].description"), q("cost-value", "dmp.cost[].value", "number")]},
    ]}


def populate(app, n_plans: int) -> dict:
    from dmp_registry.core.db import db
    from dmp_registry.core.identity import system_identity
    from dmp_registry.core.uow import unit_of_work
    from dmp_registry.datasets.service import bulk_create_datasets
    from dmp_registry.organisation.schemas import PersonIn, ProjectIn, UnitIn
    from dmp_registry.organisation.service import person_service, project_service, unit_service
    from dmp_registry.plans.models import Answer, Plan, PlanContributor, PlanDataset
    from dmp_registry.plans.service import template_service, template_version_service
    from dmp_registry.vocabularies.terms import local

    with app.app_context():
        with unit_of_work():
            unit = unit_service.create(system_identity, UnitIn().load({"code": "MADMP", "name": {"nb": "Enhet"}})).id
            people = [person_service.create(system_identity, PersonIn().load(
                {"name": f"Person {i}", "email": f"p{i}@bench.example", "unit_id": str(unit)})).id for i in range(40)]
            projects = [project_service.create(system_identity, ProjectIn().load(
                {"title": {"nb": f"Prosjekt {i}"}, "funder": "Norges forskningsråd", "grant_id": f"32{i:04d}",
                 "unit_id": str(unit)})).id for i in range(50)]
            template = template_service.create(system_identity, {"key": "science-europe", "title": {"nb": "SE", "en": "SE"}})
            version = template_version_service.create(system_identity, {
                "template_id": template.id, "content": template_content()})
            template_version_service.publish(system_identity, version.id)
            version_id = version.id
        start = time.perf_counter()
        with progressbar(n_plans, "Creating plans") as bar:
            for offset in range(0, n_plans, CHUNK):
                size = min(CHUNK, n_plans - offset)
                items, ids = [], []
                for i in range(offset, offset + size):
                    published, stored = uuid.uuid4(), uuid.uuid4()
                    ids.append((published, stored))
                    base = {"unit_id": unit, "project_id": projects[i % 50],
                            "dataset_type": local("dataset-type", "research-data"),
                            "classification": local("classification", "open")}
                    items.append({**base, "id": published, "title": {"nb": f"Publisert {i}", "en": f"Published {i}"},
                                  "doi": f"10.18710/BENCH{i}", "access_rights": f"{EU}/access-right/PUBLIC",
                                  "licence": f"{EU}/licence/CC_BY_4_0", "keywords": {"nb": ["fugl", "ring"]},
                                  "publication_status": local("publication-status", "published"),
                                  "distributions": [{
                                      "access_url": f"https://dataverse.no/dataset.xhtml?persistentId=doi:10.18710/BENCH{i}",
                                      "byte_size": 1000 + i, "title": {"en": "Files"}}]})
                    items.append({**base, "id": stored, "title": {"nb": f"Lagret {i}"}, "volume_bytes": 10**9,
                                  "storage_locations": [{"kind": local("storage-kind", "institutional-backed-up"),
                                                         "description": "NTNU", "backed_up": True}]})
                with unit_of_work() as session:
                    bulk_create_datasets(system_identity, items)
                    for n, (published, stored) in zip(range(offset, offset + size), ids):
                        plan = Plan(title=f"Plan {n}", title_sort=f"plan {n}", language="nb", status="draft",
                                    project_id=projects[n % 50], template_version_id=version_id)
                        plan.contributors = [PlanContributor(person_id=people[n % 40], role="owner"),
                                             PlanContributor(person_id=people[(n + 1) % 40], role="co_author")]
                        plan.dataset_links = [PlanDataset(dataset_id=published, position=0),
                                              PlanDataset(dataset_id=stored, position=1)]
                        plan.answers = [Answer(question_key=k, value=v) for k, v in (
                            ("desc", f"Plan {n}"), ("quality", "Checked twice"), ("notes", "Nothing else"),
                            ("ethics", False), ("security", "Locked room"), ("preserve", "20 years"),
                            ("cost", "Storage"), ("cost-value", 1200))]
                        session.add(plan)
                bar.update(size)
        seconds = time.perf_counter() - start
        db.session.remove()
    return {"plans": n_plans, "datasets": 2 * n_plans, "create_seconds": round(seconds, 2)}


def measure(app, repeat: int) -> dict:
    from sqlalchemy import select

    from dmp_registry.core.db import db
    from dmp_registry.core.identity import system_identity
    from dmp_registry.core.uow import unit_of_work
    from dmp_registry.plans.madmp import export_plan, export_plans, import_madmp, schema_errors
    from dmp_registry.plans.models import Plan

    out = {}
    with app.app_context():
        ids = db.session.scalars(select(Plan.id).order_by(Plan.id)).all()
        invalid = 0
        start = time.perf_counter()
        with progressbar(len(ids), "Exporting all plans") as bar:
            for i, (_plan, document) in enumerate(export_plans(system_identity, ids)):
                json.dumps(document)
                if i % 50 == 0 and schema_errors(document):
                    invalid += 1
                bar.update(1)
        seconds = time.perf_counter() - start
        out["export all (batched)"] = {"plans": len(ids), "seconds": round(seconds, 2),
                                       "plans_per_second": round(len(ids) / seconds, 1), "invalid_of_sampled": invalid}
        db.session.remove()
        out["export one plan (API path)"] = timed(lambda i: json.dumps(export_plan(system_identity, ids[i % len(ids)])),
                                                  min(repeat, len(ids)), "Exporting single plans")
        examples = sorted((ROOT / "mappings/reference/madmp/examples").glob("*.json"))
        documents = [json.loads(p.read_text()) for p in examples]
        unit_id = db.session.scalar(select(Plan.project_id).limit(1))
        from dmp_registry.organisation.models import Project

        unit_id = db.session.get(Project, unit_id).unit_id

        def import_one(i):
            with unit_of_work():
                import_madmp(system_identity, documents[i % len(documents)], unit_id=unit_id)

        out["import one official example"] = timed(import_one, min(repeat, 50), "Importing examples")
    return out


@click.command()
@click.option("--plans", "n_plans", default=1000, show_default=True)
@click.option("--db", "dbs", multiple=True, type=click.Choice(["sqlite", "postgresql"]), default=["sqlite", "postgresql"])
@click.option("--repeat", default=200, show_default=True)
@click.option("--out", type=click.Path(path_type=Path))
def main(n_plans, dbs, repeat, out):
    import tempfile

    results = {"machine": machine(), "plans": n_plans, "databases": {}}
    for name in dbs:
        tmp = tempfile.TemporaryDirectory()
        context = postgres_url() if name == "postgresql" else nullcontext(f"sqlite:///{tmp.name}/bench.sqlite")
        with context as url:
            app = fresh_app(url)
            results["databases"][name] = {"populate": populate(app, n_plans), **measure(app, repeat)}
            app.extensions["dmp_engine"].dispose()
        tmp.cleanup()
    lines = [f"machine: {results['machine']}"]
    rows = []
    for name, figures in results["databases"].items():
        whole = figures["export all (batched)"]
        one = figures["export one plan (API path)"]
        imp = figures["import one official example"]
        lines.append(f"{name}: created {n_plans} plans in {figures['populate']['create_seconds']} s; "
                     f"export of all {whole['plans']} plans {whole['seconds']} s ({whole['plans_per_second']}/s, "
                     f"{whole['invalid_of_sampled']} invalid of the sampled); one plan p50 {one['p50']:.1f} ms "
                     f"p95 {one['p95']:.1f} ms; import of an official example p50 {imp['p50']:.1f} ms p95 {imp['p95']:.1f} ms")
        rows.append((f"{name}: export of {whole['plans']} plans", whole["seconds"]))
    click.echo("\n".join(lines))
    if out:
        out.write_text(json.dumps(results, indent=2, default=str))
        out.with_suffix(".svg").write_text(bar_chart_svg(f"maDMP export of {n_plans} plans (s)", rows, "s"))


if __name__ == "__main__":
    main()
