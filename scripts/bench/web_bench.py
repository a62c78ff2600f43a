"""Web UI benchmark (issue 3): server-side rendering time of HTML pages at N datasets.

    .venv/bin/python scripts/bench/web_bench.py --n 100000 [--db postgresql --db sqlite] [--out FILE.json]

Fills a fresh registry through the bulk import path (as foundation_bench.py does), then renders
pages in-process with the Flask test client (no network, no browser): the dataset list with 100
per page (random pages, default sort and a filtered sort by title), the home page and a dataset's
detail page, for an anonymous visitor and a signed-in curator. Target: the list page of 100 under
150 ms at 100,000 datasets on PostgreSQL (p95 is reported against it)."""
from __future__ import annotations

import datetime as dt
import json
import random
import re
import sys
import uuid
from contextlib import nullcontext
from pathlib import Path

import click

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import bar_chart_svg, fresh_app, machine, postgres_url, timed  # noqa: E402
from foundation_bench import populate  # noqa: E402

TARGET_MS = 150


def _signed_in_client(app):
    from dmp_registry.auth.service import user_service
    from dmp_registry.core.identity import system_identity
    from dmp_registry.core.uow import unit_of_work

    username = f"bench{uuid.uuid4().hex[:6]}"
    with app.app_context():
        with unit_of_work():
            user_service.create(system_identity, {"username": username, "roles": ["curator"],
                                                  "password": "bench-password-123"})
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"username": username, "password": "bench-password-123", "csrf_token": token})
    assert response.status_code == 303, response.status_code
    return client


def render_times(app, n: int, repeat: int) -> dict:
    from sqlalchemy import select

    from dmp_registry.core.db import db
    from dmp_registry.datasets.models import Dataset

    with app.app_context():
        listed = [str(i) for i in db.session.scalars(select(Dataset.id).where(Dataset.listed.is_(True)).limit(1000))]
        units = [str(i) for i in db.session.scalars(select(Dataset.unit_id).distinct())]
    rng = random.Random(11)
    clients = {"anonymous": app.test_client(), "curator": _signed_in_client(app)}
    visible = {"anonymous": n // 2, "curator": n}

    def get(client, path_fn):
        def call(_i):
            response = client.get(path_fn())
            assert response.status_code == 200, response.status_code
        return call

    results = {}
    for who, client in clients.items():
        pages = max(1, visible[who] // 100)
        unit_pages = max(1, visible[who] // len(units) // 100)
        for _ in range(10):  # warm the vocabulary cache and the connection pool
            get(client, lambda: "/datasets/?per_page=100")(0)
        results[f"list of 100, {who}"] = timed(get(client, lambda: f"/datasets/?per_page=100&page={rng.randint(1, pages)}"),
                                               repeat, f"list {who}")
        results[f"list of 100 by unit + title, {who}"] = timed(get(client, lambda: (
            f"/datasets/?per_page=100&sort=title&unit_id={rng.choice(units)}&page={rng.randint(1, unit_pages)}")), repeat,
            f"filtered {who}")
        results[f"dataset page, {who}"] = timed(get(client, lambda: f"/datasets/{rng.choice(listed)}"), repeat,
                                                f"detail {who}")
        results[f"home page, {who}"] = timed(get(client, lambda: "/"), max(10, repeat // 4), f"home {who}")
    return results


@click.command()
@click.option("--n", default=100_000, show_default=True, help="Datasets to create.")
@click.option("--db", "dbs", multiple=True, type=click.Choice(["sqlite", "postgresql"]), default=["postgresql"])
@click.option("--repeat", default=100, show_default=True, help="Requests per measurement.")
@click.option("--out", type=click.Path(path_type=Path), help="Write JSON results here (and an SVG chart beside).")
@click.option("--reuse", is_flag=True, help="Measure the registry already in BENCH_PG_URL (filled by an earlier run).")
def main(n, dbs, repeat, out, reuse):
    results = {"machine": machine(), "date": dt.date.today().isoformat(), "n": n, "runs": {}}
    for name in dbs:
        ctx = postgres_url() if name == "postgresql" else nullcontext(None)
        with ctx as pg_url:
            tmp = Path("/tmp") / f"dmp-webbench-{uuid.uuid4().hex[:8]}.sqlite"
            click.echo(f"== {name}: {n} datasets", err=True)
            if reuse and pg_url:
                from dmp_registry import create_app

                app, run = create_app({"DMP_DATABASE_URL": pg_url, "SECRET_KEY": "bench"}), {}
            else:
                app = fresh_app(pg_url or f"sqlite:///{tmp}")
                run = populate(app, n)
            run["render_ms"] = render_times(app, n, repeat)
            results["runs"][name] = run
            app.extensions["dmp_engine"].dispose()
            tmp.unlink(missing_ok=True)
    click.echo(report(results))
    if out:
        out.write_text(json.dumps(results, indent=2))
        rows = [(f"{db}: {what}", stats["p95"]) for db, run in results["runs"].items()
                for what, stats in run["render_ms"].items() if what.startswith("list")]
        out.with_suffix(".svg").write_text(bar_chart_svg(f"HTML list of 100, p95 at {n:,} datasets (ms)", rows, "ms",
                                                         target=TARGET_MS))


def report(results) -> str:
    lines = [f"Machine: {results['machine']}; date {results['date']}; {results['n']:,} datasets "
             f"(half listed); server-side rendering in process, no network.", "",
             "| database | page | p50 ms | p95 ms |", "|---|---|---:|---:|"]
    for db, run in results["runs"].items():
        for i, (what, stats) in enumerate(run["render_ms"].items()):
            lines.append(f"| {db if i == 0 else ''} | {what} | {stats['p50']:.1f} | {stats['p95']:.1f} |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
