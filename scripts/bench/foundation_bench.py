"""Foundation benchmark (issue 2): bulk import throughput and API latency at N datasets.

    .venv/bin/python scripts/bench/foundation_bench.py --n 100000 [--db sqlite --db postgresql]

Creates N datasets (each with a storage location and a distribution) through the bulk import
path, then measures in-process API latency (Flask test client, no network): single GET and a
page of 100, as a curator and anonymously. Prints a Markdown table; --out writes it and an SVG chart.
"""
from __future__ import annotations

import datetime as dt
import json
import random
import sys
import time
import uuid
from contextlib import nullcontext
from pathlib import Path

import click

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import bar_chart_svg, fresh_app, machine, postgres_url, progressbar, timed  # noqa: E402

CHUNK = 2000


def make_items(n: int, unit_ids, person_ids, terms) -> list[dict]:
    rng = random.Random(42)
    words = ["fugl", "rype", "lav", "mose", "utgraving", "gravhaug", "foto", "negativ", "arkiv", "intervju",
             "Dovrefjell", "Trøndelag", "Hov", "kyst", "insekt", "herbarium"]
    items = []
    for i in range(n):
        title = " ".join(rng.sample(words, 3)).capitalize()
        items.append({
            "title": {"nb": f"{title} {i}", "en": f"Dataset {i}"},
            "description": {"nb": f"Beskrivelse av {title.lower()}."},
            "keywords": {"nb": rng.sample(words, 2)},
            "dataset_type": rng.choice(terms["dataset-type"]), "themes": [rng.choice(terms["eu-data-theme"])],
            "access_rights": rng.choice(terms["eu-access-right"]), "licence": rng.choice(terms["eu-licence"]),
            "classification": rng.choice(terms["classification"]), "unit_id": rng.choice(unit_ids),
            "custodian_id": rng.choice(person_ids), "volume_bytes": rng.randrange(10**6, 10**12),
            "temporal_start": dt.date(1990 + i % 30, 1, 1), "temporal_end": dt.date(2020, 12, 31),
            "listed": rng.random() < 0.5, "publication_status": rng.choice(terms["publication-status"]),
            "storage_locations": [{"kind": rng.choice(terms["storage-kind"]), "copies": rng.randint(1, 3),
                                   "backed_up": rng.random() < 0.6}],
            "distributions": [{"access_url": f"https://data.example/{i}", "format": rng.choice(terms["eu-file-type"]),
                               "byte_size": rng.randrange(10**3, 10**9)}],
        })
    return items


def populate(app, n: int) -> dict:
    from dmp_registry.core.identity import system_identity
    from dmp_registry.core.uow import unit_of_work
    from dmp_registry.datasets.service import bulk_create_datasets
    from dmp_registry.organisation.schemas import PersonIn, UnitIn
    from dmp_registry.organisation.service import person_service, unit_service
    from dmp_registry.vocabularies.service import concept_cache

    with app.app_context():
        with unit_of_work():
            units = [unit_service.create(system_identity, UnitIn().load({"code": f"B{i}", "name": {"nb": f"Enhet {i}"}})).id
                     for i in range(8)]
            people = [person_service.create(system_identity, PersonIn().load({"name": f"P {i}", "unit_id": str(units[i % 8])})).id
                      for i in range(50)]
        schemes = ("dataset-type", "eu-data-theme", "eu-access-right", "eu-licence", "classification",
                   "publication-status", "storage-kind", "eu-file-type")
        terms = {s: [c.uri for c in concept_cache.in_scheme(s)] for s in schemes}
        items = make_items(n, units, people, terms)
        start = time.perf_counter()
        with progressbar(n, "Bulk import") as bar:
            for offset in range(0, n, CHUNK):
                with unit_of_work():
                    bulk_create_datasets(system_identity, items[offset:offset + CHUNK])
                bar.update(min(CHUNK, n - offset))
        seconds = time.perf_counter() - start
        from sqlalchemy import text

        from dmp_registry.core.db import db

        if db.dialect == "postgresql":  # statistics and visibility map, as autovacuum keeps them on a live database
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE"))
    return {"import_seconds": seconds, "import_rate": n / seconds}


def latencies(app, repeat: int) -> dict:
    from sqlalchemy import select

    from dmp_registry.core.db import db
    from dmp_registry.core.uow import unit_of_work
    from dmp_registry.auth.service import user_service
    from dmp_registry.core.identity import system_identity
    from dmp_registry.datasets.models import Dataset

    with app.app_context():
        ids = [str(i) for i in db.session.scalars(select(Dataset.id))]
        listed = [str(i) for i in db.session.scalars(select(Dataset.id).where(Dataset.listed.is_(True)))]
        with unit_of_work():
            user = user_service.create(system_identity, {"username": f"bench{uuid.uuid4().hex[:6]}", "roles": ["curator"]})
            _t, token = user_service.create_token(system_identity, user.id, "bench")
    client, headers, rng = app.test_client(), {"Authorization": f"Bearer {token}"}, random.Random(7)
    pages = len(ids) // 100

    def get(headers, pool):
        def call(_i):
            response = client.get(f"/api/v1/datasets/{rng.choice(pool)}", headers=headers)
            assert response.status_code == 200, response.status_code
        return call

    def page(headers, total):
        def call(_i):
            response = client.get(f"/api/v1/datasets/?per_page=100&page={rng.randint(1, max(1, total // 100))}",
                                  headers=headers)
            assert response.status_code == 200 and len(response.json["items"]) == 100, response.status_code
        return call

    for _ in range(20):  # warm caches (vocabulary cache, connection pool)
        get(headers, ids)(0)
    return {
        "GET one (curator)": timed(get(headers, ids), repeat, "GET one"),
        "GET one (anonymous)": timed(get({}, listed), repeat, "GET one anon"),
        "page of 100 (curator)": timed(page(headers, pages * 100), repeat // 2, "page of 100"),
        "page of 100 (anonymous)": timed(page({}, len(listed)), repeat // 2, "page of 100 anon"),
    }


@click.command()
@click.option("--n", default=100_000, show_default=True, help="Datasets to create.")
@click.option("--db", "dbs", multiple=True, type=click.Choice(["sqlite", "postgresql"]), default=["sqlite", "postgresql"])
@click.option("--repeat", default=400, show_default=True, help="Requests per latency measurement.")
@click.option("--out", type=click.Path(path_type=Path), help="Write JSON results here (and an SVG chart beside).")
def main(n, dbs, repeat, out):
    results = {"machine": machine(), "date": dt.date.today().isoformat(), "n": n, "runs": {}}
    for name in dbs:
        ctx = postgres_url() if name == "postgresql" else nullcontext(None)
        with ctx as pg_url:
            tmp = Path("/tmp") / f"dmp-bench-{uuid.uuid4().hex[:8]}.sqlite"
            url = pg_url or f"sqlite:///{tmp}"
            click.echo(f"== {name}: {n} datasets", err=True)
            app = fresh_app(url)
            run = populate(app, n)
            run["latency_ms"] = latencies(app, repeat)
            results["runs"][name] = run
            app.extensions["dmp_engine"].dispose()
            tmp.unlink(missing_ok=True)
    click.echo(report(results))
    if out:
        out.write_text(json.dumps(results, indent=2))
        rows = [(f"{db} {what}", r["latency_ms"][what]["p95"]) for db, r in results["runs"].items()
                for what in r["latency_ms"]]
        out.with_suffix(".svg").write_text(bar_chart_svg(f"API latency p95 at {n:,} datasets (ms)", rows, "ms"))


def report(results) -> str:
    lines = [f"Machine: {results['machine']}; date {results['date']}; {results['n']:,} datasets.", "",
             "| database | bulk import (datasets/s) | request | p50 ms | p95 ms |", "|---|---:|---|---:|---:|"]
    for db, run in results["runs"].items():
        for i, (what, stats) in enumerate(run["latency_ms"].items()):
            rate = f"{run['import_rate']:,.0f}" if i == 0 else ""
            lines.append(f"| {db if i == 0 else ''} | {rate} | {what} | {stats['p50']:.1f} | {stats['p95']:.1f} |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
