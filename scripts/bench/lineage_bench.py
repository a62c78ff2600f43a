"""Lineage/impact benchmark (issue 5): a generated portfolio of 2,000 systems, 100,000 datasets and
300,000 flows; p50/p95 of lineage (both directions) and impact queries, in-process, per database.

    .venv/bin/python scripts/bench/lineage_bench.py [--db postgresql] [--out docs/bench/lineage.json]

The portfolio has the shape of a real one: 100 domains (a department's systems and data), each
with ingest, processing, storage and publication tiers. Half of a domain's datasets are sources
(they flow into ingest systems), half are products (storage and publication systems export them);
systems flow to the next tier; 0.1 % of system-to-system flows cross to another domain.
"""
from __future__ import annotations

import datetime as dt
import gc
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
from foundation_bench import populate  # noqa: E402

DOMAINS, TIERS = 100, (8, 6, 4, 2)  # systems per tier and domain: 20 a domain, 2,000 in all


def build_portfolio(app, n_datasets: int, n_flows: int) -> dict:
    from sqlalchemy import insert, select, text

    from dmp_registry.core.db import db, utcnow
    from dmp_registry.core.uow import unit_of_work
    from dmp_registry.datasets.models import Dataset
    from dmp_registry.flows.models import DataFlow
    from dmp_registry.systems.models import ItSystem
    from dmp_registry.vocabularies.terms import local

    rng, now = random.Random(5), utcnow()
    with app.app_context():
        datasets = [d for d in db.session.scalars(select(Dataset.id).order_by(Dataset.id))]
        tiers, systems = [], []
        for domain in range(DOMAINS):
            tiers.append([])
            for size in TIERS:
                ids = [uuid.uuid4() for _ in range(size)]
                tiers[-1].append(ids)
                systems += [{"id": i, "name": f"System {domain}-{len(systems)}", "name_sort": f"system {len(systems)}",
                             "category": local("system-category", "storage"), "description": {},
                             "lifecycle_status": local("lifecycle-status", "in-use"), "endpoint_urls": [],
                             "documentation_links": [], "processes_personal_data": False, "version": 1,
                             "created_at": now, "updated_at": now} for i in ids]
        flows = []

        def flow(source, target, s_kind, t_kind):
            flows.append({"id": uuid.uuid4(), "title": f"Flow {len(flows)}", "title_sort": f"flow {len(flows)}",
                          "description": {}, f"source_{s_kind}_id": source, f"target_{t_kind}_id": target,
                          "source_node": source, "target_node": target, "status": local("flow-status", "active"),
                          "personal_data": False, "version": 1, "created_at": now, "updated_at": now})

        per_domain = max(1, len(datasets) // DOMAINS)
        with progressbar(n_flows, "Generating flows") as bar:
            while len(flows) < n_flows:
                domain = rng.randrange(DOMAINS)
                other = rng.randrange(DOMAINS) if rng.random() < 0.003 else domain
                tier = rng.randrange(3)
                base, half = domain * per_domain, per_domain // 2
                kind = rng.random()
                if kind < 0.5:      # a source dataset is loaded into an ingest system
                    flow(datasets[base + rng.randrange(half)], rng.choice(tiers[domain][0]), "dataset", "system")
                elif kind < 0.8:    # a system feeds the next tier
                    flow(rng.choice(tiers[domain][tier]), rng.choice(tiers[other][tier + 1]), "system", "system")
                else:               # a storage or publication system exports a product dataset
                    product = datasets[base + half + rng.randrange(per_domain - half)]
                    flow(rng.choice(tiers[domain][rng.choice((2, 3))]), product, "system", "dataset")
                bar.update(1)
        with unit_of_work() as session:
            session.execute(insert(ItSystem.__table__), systems)
            keys = set().union(*(f.keys() for f in flows))
            with progressbar(len(flows), "Inserting flows") as bar:
                for start in range(0, len(flows), 5000):
                    session.execute(insert(DataFlow.__table__), [{k: f.get(k) for k in keys} for f in flows[start:start + 5000]])
                    bar.update(min(5000, len(flows) - start))
        if db.dialect == "postgresql":  # statistics and visibility map, as autovacuum keeps them on a live database
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE"))
    return {"systems": [s["id"] for s in systems], "datasets": datasets}


def measure(app, nodes: dict, repeat: int) -> dict:
    from dmp_registry.auth.service import identity_for, user_service
    from dmp_registry.core.identity import system_identity
    from dmp_registry.core.uow import unit_of_work
    from dmp_registry.flows.lineage import impact, lineage

    rng = random.Random(9)
    # The generator's hundreds of thousands of dicts stay in this process, which a server's heap
    # would not hold: freeze them so the cyclic garbage collector does not rescan them mid-measurement.
    gc.collect()
    gc.freeze()
    with app.app_context():
        with unit_of_work():
            user = user_service.create(system_identity, {"username": f"lead{uuid.uuid4().hex[:6]}", "roles": ["programme_lead"]})
            identity = identity_for(user)
        pool = nodes["systems"] + rng.sample(nodes["datasets"], 2000)
        sizes = []

        def run_lineage(_i):
            result = lineage(identity, rng.choice(pool))
            sizes.append(len(result["upstream"]) + len(result["downstream"]))

        out = {"lineage (both directions)": timed(run_lineage, repeat, "lineage"),
               "impact of a system": timed(lambda _i: impact(identity, rng.choice(nodes["systems"])), repeat, "impact")}
        out["lineage (both directions)"]["mean_nodes"] = sum(sizes) / len(sizes)
    return out


@click.command()
@click.option("--datasets", "n_datasets", default=100_000, show_default=True)
@click.option("--flows", "n_flows", default=300_000, show_default=True)
@click.option("--db", "dbs", multiple=True, type=click.Choice(["sqlite", "postgresql"]), default=["postgresql", "sqlite"])
@click.option("--repeat", default=300, show_default=True)
@click.option("--out", type=click.Path(path_type=Path))
def main(n_datasets, n_flows, dbs, repeat, out):
    results = {"machine": machine(), "date": dt.date.today().isoformat(), "datasets": n_datasets, "flows": n_flows,
               "systems": DOMAINS * sum(TIERS), "runs": {}}
    for name in dbs:
        with (postgres_url() if name == "postgresql" else nullcontext(None)) as pg_url:
            tmp = Path("/tmp") / f"dmp-lineage-{uuid.uuid4().hex[:8]}.sqlite"
            app = fresh_app(pg_url or f"sqlite:///{tmp}")
            populate(app, n_datasets)
            start = time.perf_counter()
            nodes = build_portfolio(app, n_datasets, n_flows)
            results["runs"][name] = {"portfolio_seconds": time.perf_counter() - start,
                                     "latency_ms": measure(app, nodes, repeat)}
            app.extensions["dmp_engine"].dispose()
            tmp.unlink(missing_ok=True)
    lines = [f"Machine: {results['machine']}; date {results['date']}; {results['systems']:,} systems, "
             f"{n_datasets:,} datasets, {n_flows:,} flows.", "", "| database | query | p50 ms | p95 ms | nodes returned (mean) |",
             "|---|---|---:|---:|---:|"]
    for db_name, run in results["runs"].items():
        for what, stats in run["latency_ms"].items():
            lines.append(f"| {db_name} | {what} | {stats['p50']:.1f} | {stats['p95']:.1f} | {stats.get('mean_nodes', 0):.0f} |")
    click.echo("\n".join(lines))
    if out:
        out.write_text(json.dumps(results, indent=2, default=str))
        rows = [(f"{db} {w}", r["latency_ms"][w]["p95"]) for db, r in results["runs"].items() for w in r["latency_ms"]]
        out.with_suffix(".svg").write_text(bar_chart_svg("Lineage and impact p95 (ms)", rows, "ms", target=200))


if __name__ == "__main__":
    main()
