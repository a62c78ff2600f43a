"""Programme benchmark (issue 9): the dashboard page and status-report generation.

    .venv/bin/python scripts/bench/programme_bench.py --datasets 20000 --activities 60 --weeks 52 [--db sqlite|postgresql]

Fills a fresh registry with N datasets (the bulk import of foundation_bench.py), one measure with A
activities (two computed goals each, on dataset indicators that scan the registry), a year of daily
goal snapshots and hours for ten people over W weeks; then times, in-process with the Flask test client
as a signed-in programme lead: the dashboard page, the pre-filled report form, saving a version, and the
saved report as PDF and DOCX; plus one `snapshot` of every goal. Targets: dashboard p95 under 500 ms,
a report in any format under 2 s."""
from __future__ import annotations

import datetime as dt
import json
import re
import sys
import time
import uuid
from pathlib import Path

import click

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import fresh_app, machine, postgres_url, timed  # noqa: E402
from foundation_bench import populate  # noqa: E402

INDICATORS = ("datasets_registered", "datasets_metadata_complete", "datasets_published", "systems_registered",
              "flows_mapped")


def fill_programme(app, activities: int, weeks: int) -> dict:
    from sqlalchemy import insert, select

    from dmp_registry.auth.service import user_service
    from dmp_registry.core.db import db
    from dmp_registry.core.identity import system_identity
    from dmp_registry.core.uow import unit_of_work
    from dmp_registry.organisation.models import Person
    from dmp_registry.programme import schemas as s
    from dmp_registry.programme.models import Goal, GoalSnapshot
    from dmp_registry.programme.service import activity_service, goal_service, measure_service, time_entry_service
    from dmp_registry.vocabularies.terms import local

    statuses = ("not-started", "in-progress", "completed-as-planned", "will-complete-by")
    with app.app_context():
        with unit_of_work():
            people = list(db.session.scalars(select(Person).limit(10)))
            measure = measure_service.create(system_identity, s.MeasureIn().load(
                {"code": "25", "title": {"nb": "Digital infrastruktur"}, "responsible_id": str(people[0].id)}))
            acts = []
            for i in range(activities):
                acts.append(activity_service.create(system_identity, s.ActivityIn().load({
                    "measure_id": str(measure.id), "code": f"25.{i + 1}", "title": {"nb": f"Aktivitet {i + 1}"},
                    "status": local("activity-status", statuses[i % 4]), "planned_hours": 100,
                    "risks": "high | Kapasitet" if i % 5 == 0 else None, "status_date": "2027-01-01"})))
                for k in range(2):
                    goal_service.create(system_identity, s.GoalIn().load({
                        "activity_id": str(acts[-1].id), "title": {"nb": f"Mål {i}.{k}"},
                        "indicator": INDICATORS[(i + k) % len(INDICATORS)], "target": 1000}))
            today = dt.date.today()
            for w in range(weeks):
                week = s.week_of(today - dt.timedelta(weeks=w))
                for p, person in enumerate(people):
                    act = acts[(w + p) % len(acts)]
                    time_entry_service.create(system_identity, s.TimeEntryIn().load(
                        {"person_id": str(person.id), "activity_id": str(act.id), "week": week, "hours": 3 + p % 5}))
            goals = list(db.session.scalars(select(Goal.id)))
            rows = [{"id": uuid.uuid4(), "goal_id": g, "day": today - dt.timedelta(days=d), "value": 365 - d,
                     "taken_at": dt.datetime.now(dt.timezone.utc)} for g in goals for d in range(1, 366)]
            for start in range(0, len(rows), 5000):
                db.session.execute(insert(GoalSnapshot), rows[start:start + 5000])
            user_service.create(system_identity, {"username": "benchlead", "roles": ["programme_lead"],
                                                  "password": "bench-password-123"})
        return {"measure_id": str(measure.id), "goals": len(goals), "snapshots": len(rows),
                "time_entries": weeks * len(people)}


def _lead_client(app):
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"username": "benchlead", "password": "bench-password-123", "csrf_token": token})
    assert response.status_code == 303, response.status_code
    return client


def run(app, repeat: int, filled: dict) -> dict:
    from dmp_registry.core.uow import unit_of_work
    from dmp_registry.programme.service import snapshot_goals

    client = _lead_client(app)
    measure = filled["measure_id"]
    results = {}

    def ok(response):
        assert response.status_code in (200, 303), response.status_code
        return response

    results["dashboard"] = timed(lambda i: ok(client.get("/programme/")), repeat, "dashboard")
    results["report form (draft)"] = timed(
        lambda i: ok(client.get(f"/programme/reports/new?scope=measure&subject_id={measure}")), repeat, "report draft")
    api = {"Content-Type": "application/json", "X-CSRFToken": re.search(
        r'name="csrf_token" value="([^"]+)"', client.get("/programme/hours").get_data(as_text=True)).group(1)}
    saved = []

    def save(i):
        draft = ok(client.get("/api/v1/programme/reports/draft", query_string={"scope": "measure", "subject_id": measure})).json
        payload = {"scope": "measure", "subject_id": measure, "sections": draft["sections"]}
        response = client.post("/api/v1/programme/reports", json=payload, headers=api)
        assert response.status_code == 201, response.json
        saved.append(response.json["id"])
    results["save a version (draft + save)"] = timed(save, max(3, repeat // 3), "save report")
    for fmt in ("html", "pdf", "docx"):
        results[f"report as {fmt}"] = timed(
            lambda i, f=fmt: ok(client.get(f"/programme/reports/{saved[0]}/download.{f}")), repeat, f"report {fmt}")
    with app.app_context():
        start = time.perf_counter()
        with unit_of_work():
            counts = snapshot_goals(dt.date.today())
        results["snapshot (all goals)"] = {"ms": (time.perf_counter() - start) * 1000, **counts}
    return results


@click.command()
@click.option("--datasets", default=20_000, show_default=True)
@click.option("--activities", default=60, show_default=True)
@click.option("--weeks", default=52, show_default=True)
@click.option("--repeat", default=20, show_default=True)
@click.option("--db", "dbs", multiple=True, type=click.Choice(["sqlite", "postgresql"]), default=["sqlite"])
@click.option("--out", type=click.Path(dir_okay=False), default=None)
def main(datasets, activities, weeks, repeat, dbs, out):
    import tempfile

    report = {"machine": machine(), "date": dt.date.today().isoformat(),
              "size": {"datasets": datasets, "activities": activities, "weeks": weeks}, "results": {}}
    for name in dbs:
        if name == "sqlite":
            tmp = tempfile.mkdtemp(prefix="dmp-programme-bench.")
            ctx, url = None, f"sqlite:///{tmp}/bench.sqlite"
        else:
            ctx = postgres_url()
            url = ctx.__enter__()
        try:
            app = fresh_app(url)
            populate(app, datasets)
            filled = fill_programme(app, activities, weeks)
            report["results"][name] = {"filled": filled, "timings_ms": run(app, repeat, filled)}
        finally:
            if ctx is not None:
                ctx.__exit__(None, None, None)
    text = json.dumps(report, indent=2, default=str)
    click.echo(text)
    if out:
        Path(out).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
