"""Shared helpers for the benchmarks: a fresh registry on a given database, timing, reports, charts."""
from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def progressbar(length: int, label: str):
    return click.progressbar(length=length, label=label, show_pos=True, show_percent=True, file=sys.stderr)


def machine() -> str:
    cpu = "unknown cpu"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB, Python {platform.python_version()}"


@contextmanager
def postgres_url():
    """A throwaway PostgreSQL from scripts/pg/start.sh, unless BENCH_PG_URL names one."""
    if os.environ.get("BENCH_PG_URL"):
        yield os.environ["BENCH_PG_URL"]
        return
    work = tempfile.mkdtemp(prefix="dmp-bench-pg.")
    os.chmod(work, 0o755)
    url = subprocess.run(["bash", str(ROOT / "scripts/pg/start.sh"), f"{work}/pg"], check=True,
                         capture_output=True, text=True).stdout.strip().splitlines()[-1]
    try:
        yield url
    finally:
        subprocess.run(["bash", str(ROOT / "scripts/pg/stop.sh"), f"{work}/pg"], capture_output=True)


def app_on(url: str, **config):
    """The benchmarks' app configuration on an existing database."""
    from dmp_registry import create_app

    return create_app({"DMP_DATABASE_URL": url, "DMP_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
                       "SECRET_KEY": "bench", "DMP_BASE_URI": "https://bench.example",
                       "DMP_SEARCH_DRAIN_IN_PROCESS": False, **config})


def fresh_app(url: str, **config):
    """An app on an empty, migrated database with vocabularies loaded. Search indexing after each
    commit is off unless asked for: these benchmarks measure the database paths; indexing has its
    own benchmark (scripts/bench/search_bench.py)."""
    from sqlalchemy import text

    from dmp_registry.core.db import db
    from dmp_registry.core.uow import unit_of_work
    from dmp_registry.migrations import alembic_config
    from dmp_registry.vocabularies.loader import load

    from alembic import command

    app = app_on(url, **config)
    with app.app_context():
        if db.dialect == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        command.upgrade(alembic_config(), "head")
        with unit_of_work():
            load(Path(app.config["DMP_VOCABULARY_DIR"]))
    return app


def percentiles(samples_ms: list[float]) -> dict:
    ordered = sorted(samples_ms)
    pick = lambda q: ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]  # noqa: E731
    return {"p50": pick(0.50), "p95": pick(0.95), "mean": statistics.fmean(ordered), "n": len(ordered)}


def timed(fn, repeat: int, label: str) -> dict:
    samples = []
    with progressbar(repeat, label) as bar:
        for i in range(repeat):
            start = time.perf_counter()
            fn(i)
            samples.append((time.perf_counter() - start) * 1000)
            bar.update(1)
    return percentiles(samples)


def bar_chart_svg(title: str, rows: list[tuple[str, float]], unit: str, target: float | None = None) -> str:
    """A horizontal bar chart of the figures (dmp_registry/core/charts.py, as on the dashboards)."""
    from dmp_registry.core.charts import bars

    return bars(rows, title, "bench-chart", width=720, unit=unit, target=target, label_width=330, heading=True) + "\n"
