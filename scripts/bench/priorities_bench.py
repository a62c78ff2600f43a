"""Priorities benchmark (issue 7): recomputing every score after a weight change, and worklist latency.

    .venv/bin/python scripts/bench/priorities_bench.py [--datasets 100000] [--db postgresql] [--out docs/bench/priorities.json]

Builds N datasets with the foundation benchmark's bulk import (each with a storage location), gives
a fifth of the custodians a retirement date within two years and assesses 20 % of the datasets, then
measures: the first full scoring, a weight change through `update_model` (new version, audit row,
recompute of all scores; target < 30 s on PostgreSQL), and p50/p95 of the worklist API and HTML page
(target < 150 ms).
"""
from __future__ import annotations

import datetime as dt
import json
import random
import re
import sys
import time
import uuid
from contextlib import nullcontext
from pathlib import Path

import click

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import fresh_app, machine, postgres_url, progressbar, timed  # noqa: E402
from foundation_bench import populate  # noqa: E402

ASSESSED_SHARE = 0.2
TERM = "https://w3id.org/ntnu-vm/dmp-registry/vocab/assessment-term/"


def add_assessments(app) -> int:
    from sqlalchemy import insert, select, update

    from dmp_registry.core.db import db, utcnow
    from dmp_registry.core.uow import unit_of_work
    from dmp_registry.datasets.models import Dataset
    from dmp_registry.organisation.models import Person
    from dmp_registry.priorities.models import Assessment

    rng, now, today = random.Random(11), utcnow(), dt.date.today()
    levels = [TERM + f"level-{x}" for x in ("none", "low", "medium", "high")]
    with app.app_context():
        with unit_of_work() as session:
            for pid in session.scalars(select(Person.id)).all()[::5]:
                session.execute(update(Person).where(Person.id == pid)
                                .values(employment_end=today + dt.timedelta(days=rng.randint(10, 700))))
        ids = db.session.scalars(select(Dataset.id)).all()
        chosen = rng.sample(ids, int(len(ids) * ASSESSED_SHARE))
        rows = [{"id": uuid.uuid4(), "dataset_id": d, "created_at": now, "updated_at": now, "version": 1,
                 "scientific_value": rng.choice(levels), "cultural_value": rng.choice(levels),
                 "uniqueness": rng.choice(levels), "external_demand": rng.choice(levels),
                 "format_risk": TERM + rng.choice(("format-current", "format-at-risk", "format-obsolete")),
                 "regenerable": rng.choice((True, False, None)), "obligation_keep": rng.random() < 0.3,
                 "obligation_publish": rng.random() < 0.2, "effort_publish_days": rng.choice((None, 2.0, 10.0, 40.0)),
                 "state": rng.choice(("assessed", "in_progress", "secured")), "assessed_by": "bench"} for d in chosen]
        with progressbar(len(rows), "Assessments") as bar:
            for start in range(0, len(rows), 5000):
                with unit_of_work() as session:
                    session.execute(insert(Assessment.__table__), rows[start:start + 5000])
                bar.update(len(rows[start:start + 5000]))
    return len(rows)


def recompute_times(app) -> dict:
    from dmp_registry.core.identity import system_identity
    from dmp_registry.core.uow import unit_of_work
    from dmp_registry.priorities.scores import current_model, recompute, update_model

    with app.app_context():
        start = time.perf_counter()
        with unit_of_work():
            n = recompute(progress=progressbar)
        first = time.perf_counter() - start
        with unit_of_work():
            weights = current_model().weights
        weights["securing"]["risk"]["custodian"] = 35
        admin = system_identity
        start = time.perf_counter()
        with unit_of_work():
            update_model(admin, weights, "benchmark", None, progress=progressbar)
        change = time.perf_counter() - start
    return {"datasets": n, "first_scoring_s": round(first, 2), "weight_change_recompute_s": round(change, 2)}


def worklist_latency(app, repeat: int) -> dict:
    from dmp_registry.auth.service import user_service
    from dmp_registry.core.identity import system_identity
    from dmp_registry.core.uow import unit_of_work

    with app.app_context():
        with unit_of_work():
            user = user_service.create(system_identity, {"username": f"bench{uuid.uuid4().hex[:6]}", "roles": ["curator"],
                                                         "password": "a-long-password"})
            _t, token = user_service.create_token(system_identity, user.id, "bench")
            username = user.username
    api, headers = app.test_client(), {"Authorization": f"Bearer {token}"}
    page = app.test_client()
    html = page.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    assert page.post("/login", data={"username": username, "password": "a-long-password", "csrf_token": csrf}).status_code == 303
    rng = random.Random(3)

    def call_api(_i):
        kind = rng.choice(("securing", "publishing"))
        response = api.get(f"/api/v1/priorities/worklists/{kind}?page={rng.randint(1, 20)}", headers=headers)
        assert response.status_code == 200, response.status_code

    def call_page(_i):
        response = page.get(f"/priorities/worklists/securing?page={rng.randint(1, 20)}")
        assert response.status_code == 200, response.status_code

    def call_filtered(_i):
        response = page.get("/priorities/worklists/securing?band=critical")
        assert response.status_code == 200, response.status_code

    return {"worklist_api_ms": timed(call_api, repeat, "Worklist API"),
            "worklist_page_ms": timed(call_page, repeat, "Worklist page"),
            "worklist_page_band_filter_ms": timed(call_filtered, repeat, "Worklist page, band filter")}


@click.command()
@click.option("--datasets", "n_datasets", default=100_000, show_default=True)
@click.option("--db", "dbs", multiple=True, type=click.Choice(["sqlite", "postgresql"]), default=["postgresql"])
@click.option("--repeat", default=100, show_default=True)
@click.option("--out", type=click.Path(path_type=Path))
def main(n_datasets, dbs, repeat, out):
    results = {"machine": machine(), "datasets": n_datasets, "runs": {}}
    for name in dbs:
        with (postgres_url() if name == "postgresql" else nullcontext(None)) as pg_url:
            url = pg_url or f"sqlite:////tmp/dmp-priorities-bench-{uuid.uuid4().hex[:6]}.sqlite"
            app = fresh_app(url)
            populate(app, n_datasets)
            assessed = add_assessments(app)
            run = {"assessed": assessed, **recompute_times(app), **worklist_latency(app, repeat)}
            results["runs"][name] = run
            app.extensions["dmp_engine"].dispose()
    lines = [f"{results['machine']}; {n_datasets:,} datasets"]
    for name, run in results["runs"].items():
        lines.append(f"{name}: first scoring {run['first_scoring_s']} s, weight change + recompute "
                     f"{run['weight_change_recompute_s']} s (target < 30 s); worklist API p50/p95 "
                     f"{run['worklist_api_ms']['p50']:.1f}/{run['worklist_api_ms']['p95']:.1f} ms, page "
                     f"{run['worklist_page_ms']['p50']:.1f}/{run['worklist_page_ms']['p95']:.1f} ms, band filter "
                     f"{run['worklist_page_band_filter_ms']['p50']:.1f}/{run['worklist_page_band_filter_ms']['p95']:.1f} ms "
                     f"(target < 150 ms)")
    click.echo("\n".join(lines))
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(results, indent=2, default=str))


if __name__ == "__main__":
    main()
