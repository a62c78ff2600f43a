"""DCAT feed benchmark (issue 6): the whole catalogue in Turtle, RDF/XML, JSON-LD and N-Triples through
the streaming writers, side by side with the rdflib Graph path on a smaller catalogue; Hydra page
latency; the publishability check on save.

    .venv/bin/python scripts/bench/dcat_bench.py [--datasets 100000] [--rdflib-datasets 10000] [--db postgresql]

Every dataset is listed (the feed's worst case). Each whole feed is served by a fresh registry process
(the feed's time, first byte and that process's peak RSS, read from /proc VmHWM)."""
from __future__ import annotations

import json
import sys
import tempfile
import time
from contextlib import nullcontext
from pathlib import Path

import click

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import fresh_app, machine, postgres_url, timed  # noqa: E402
from foundation_bench import populate  # noqa: E402

FORMATS = ("ttl", "rdf", "jsonld", "nt")
RDFLIB_FORMATS = {"ttl": "turtle", "rdf": "xml", "jsonld": "json-ld", "nt": "nt"}


def _rss_mib(reset: bool = False) -> float:
    if reset:
        try:
            Path("/proc/self/clear_refs").write_text("5")
        except OSError:
            pass
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def feed_run(url: str, ext: str, kind: str = "registry") -> dict:
    """The whole feed in one format, served by a fresh process (as a server worker would be): the
    full registry app, or the feed-only app (`create_feed_app`). Time, first byte, size, and that
    process's peak RSS: the benchmark's own process has made 100,000 datasets and is not what
    serves a harvester."""
    import subprocess

    out = subprocess.run([sys.executable, __file__, "--feed-worker", ext, "--worker-url", url, "--worker-app", kind],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def feed_worker(url: str, ext: str, kind: str) -> dict:
    from common import app_on

    if kind == "feed-only":
        from dmp_registry import create_feed_app

        app = create_feed_app({"DMP_DATABASE_URL": url, "SECRET_KEY": "bench", "DMP_BASE_URI": "https://bench.example"})
    else:
        app = app_on(url)
    client = app.test_client()
    client.get("/catalog.ttl?page_size=1").close()  # first request: connections, caches, lazy imports
    base = _rss_mib(reset=True)
    start = time.perf_counter()
    response = client.get(f"/catalog.{ext}")
    chunks = iter(response.response)
    first = next(chunks)
    first_byte = time.perf_counter() - start
    size = len(first) + sum(len(c) for c in chunks)
    response.close()
    return {"seconds": time.perf_counter() - start, "first_byte_ms": first_byte * 1000, "mib": size / 2**20,
            "peak_rss_mib": _rss_mib(), "rss_before_mib": base}


IMPORT_FORMATS = {"ttl": "turtle", "rdf": "xml", "jsonld": "json-ld", "nt": "nt"}


def write_feed(url: str, ext: str, path: Path) -> None:
    """The whole feed in `ext`, as a harvester would save it (the import benchmark's input)."""
    from common import app_on

    client = app_on(url).test_client()
    response = client.get(f"/catalog.{ext}")
    with path.open("wb") as out:
        for piece in response.response:
            out.write(piece)
    response.close()


def import_run(path: Path, ext: str, limit: int | None = None) -> dict:
    """Parsing for import, in a fresh process: the streamed reader (every dataset read into the API's
    input shape, no database writes), or with `limit` rdflib's whole Graph of the first `limit`
    datasets (N-Triples cut at a line), as the importer parsed before. Rate and peak RSS growth."""
    import subprocess

    args = [sys.executable, __file__, "--import-worker", ext, "--worker-url", str(path)]
    out = subprocess.run(args + (["--worker-limit", str(limit)] if limit else []), check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def import_worker(path: str, ext: str, limit: int | None) -> dict:
    from dmp_registry.core.gc_pause import gc_paused
    from dmp_registry.dcat import importer, rdf_in, safe_parse

    data = Path(path).read_bytes()
    if limit:  # the first `limit` datasets of the N-Triples feed (about 26 lines each)
        data = b"".join(data.splitlines(keepends=True)[:limit * 26])
    base = _rss_mib(reset=True)
    start, cpu = time.perf_counter(), time.process_time()
    if limit:  # the parse alone: reading the datasets from the Graph came on top
        from rdflib import RDF, URIRef

        graph = safe_parse.parse(data, IMPORT_FORMATS[ext])
        n = len(set(graph.subjects(RDF.type, URIRef(importer.DCAT + "Dataset"))))
    else:
        stream = rdf_in.Stream(safe_parse.triples(data, IMPORT_FORMATS[ext], streaming=True), importer.DCAT + "Dataset",
                               importer.closure)
        n = 0
        for node, graph in gc_paused(stream):
            importer.read_dataset(graph, node)
            n += 1
    seconds = time.perf_counter() - start
    import resource

    # the parsing child (safe_parse.PARSE_APART_FROM) is a fork: its peak counts the document it
    # shares with this process, which it reads whole
    child = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"datasets": n, "seconds": seconds, "datasets_per_s": n / seconds, "mib": len(data) / 2**20,
            "peak_rss_growth_mib": _rss_mib() - base, "parsed_apart": not limit and len(data) >= safe_parse.PARSE_APART_FROM,
            "child_peak_rss_mib": child.ru_maxrss / 1024, "child_cpu_s": child.ru_utime + child.ru_stime,
            "cpu_s": time.process_time() - cpu}


def rdflib_run(app, ext: str, limit: int) -> dict:
    import warnings

    from dmp_registry.dcat.feed import catalog_chunks
    from dmp_registry.dcat.graph import to_graph
    from dmp_registry.dcat.records import Window
    from dmp_registry.dcat.terms import Settings

    with app.app_context():
        start = time.perf_counter()
        graph = to_graph(_first(catalog_chunks(Settings.from_app(), Window()), limit))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            size = len(graph.serialize(format=RDFLIB_FORMATS[ext], encoding="utf-8"))
        return {"seconds": time.perf_counter() - start, "mib": size / 2**20, "triples": len(graph)}


def _first(chunks, limit: int):
    """The catalogue's chunks up to `limit` datasets (the rdflib path cannot hold 100,000)."""
    from dmp_registry.dcat.terms import P

    seen = 0
    for chunk in chunks:
        seen += sum(1 for _s, p, _o in chunk if p == P["dataset"])
        yield chunk
        if seen >= limit:
            return


def page_latency(app, repeat: int) -> dict:
    client = app.test_client()
    return timed(lambda i: client.get("/catalog.ttl?page_size=100").close(), repeat, "Hydra page of 100")


def publish_check(app, repeat: int) -> dict:
    from dmp_registry.dcat.publishable import missing_for_listing

    values = {"title": {"nb": "T"}, "description": {"nb": "D"}, "themes": ["x"]}
    with app.app_context():
        return timed(lambda i: missing_for_listing(values), repeat, "publishability check")


def run(url: str, n: int, n_rdflib: int, repeat: int) -> dict:
    from sqlalchemy import update

    from dmp_registry.core.db import db
    from dmp_registry.core.uow import unit_of_work
    from dmp_registry.datasets.models import Dataset

    app = fresh_app(url)
    result = {"datasets": n, **populate(app, n)}
    with app.app_context(), unit_of_work():
        db.session.execute(update(Dataset).values(listed=True))
    if url.startswith("postgresql"):  # as autovacuum would after rewriting every row: statistics, visibility
        from sqlalchemy import text

        with app.app_context(), db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    result["fast"] = {ext: feed_run(url, ext) for ext in FORMATS}
    result["feed_only_app"] = {ext: feed_run(url, ext, "feed-only") for ext in FORMATS}
    result["rdflib"] = {ext: {**rdflib_run(app, ext, n_rdflib), "datasets": n_rdflib} for ext in FORMATS}
    for ext in FORMATS:
        fast_rate = n / result["fast"][ext]["seconds"]
        rdflib_rate = n_rdflib / result["rdflib"][ext]["seconds"]
        result["fast"][ext]["datasets_per_s"] = fast_rate
        result["rdflib"][ext]["datasets_per_s"] = rdflib_rate
        result["fast"][ext]["speedup_vs_rdflib"] = fast_rate / rdflib_rate
    with tempfile.TemporaryDirectory() as work:
        files = {ext: Path(work) / f"catalog.{ext}" for ext in FORMATS}
        for ext, path in files.items():
            write_feed(url, ext, path)
        result["import_parse"] = {ext: import_run(path, ext) for ext, path in files.items()}
        result["import_parse_rdflib"] = {"nt": import_run(files["nt"], "nt", n_rdflib)}
    result["page_100"] = page_latency(app, repeat)
    result["publish_check"] = publish_check(app, repeat * 10)
    return result


@click.command()
@click.option("--datasets", "n", default=100_000, show_default=True)
@click.option("--rdflib-datasets", "n_rdflib", default=10_000, show_default=True)
@click.option("--db", type=click.Choice(["sqlite", "postgresql"]), default="postgresql", show_default=True)
@click.option("--repeat", default=200, show_default=True)
@click.option("--out", type=click.Path(path_type=Path))
@click.option("--feed-worker", "worker_format", type=click.Choice(FORMATS), hidden=True)
@click.option("--worker-url", hidden=True)
@click.option("--worker-app", type=click.Choice(["registry", "feed-only"]), default="registry", hidden=True)
@click.option("--import-worker", "import_format", type=click.Choice(FORMATS), hidden=True)
@click.option("--worker-limit", type=int, hidden=True)
def main(n, n_rdflib, db, repeat, out, worker_format, worker_url, worker_app, import_format, worker_limit):
    if worker_format:  # one whole feed in a fresh process (feed_run)
        click.echo(json.dumps(feed_worker(worker_url, worker_format, worker_app)))
        return
    if import_format:  # parsing one saved feed for import in a fresh process (import_run)
        click.echo(json.dumps(import_worker(worker_url, import_format, worker_limit)))
        return
    with (postgres_url() if db == "postgresql" else nullcontext(None)) as pg:
        url = pg or f"sqlite:///{tempfile.mkdtemp(prefix='dmp-dcat-bench.')}/bench.sqlite"
        result = {"machine": machine(), "db": db, **run(url, n, min(n, n_rdflib), repeat)}
    text = json.dumps(result, indent=2, default=str)
    click.echo(text)
    if out:
        out.write_text(text + "\n")
        out.with_suffix(".svg").write_text(chart(result))
        out.with_name(out.stem + "-import.svg").write_text(import_chart(result))


def chart(result: dict) -> str:
    """Whole-feed seconds per format: both apps at the full size, rdflib scaled to it (the target
    is per feed, so the rdflib path's rate is shown as the time it would take at the same size)."""
    from common import bar_chart_svg

    n = result["datasets"]
    rows = []
    for ext in FORMATS:
        rows.append((f"{ext}: registry app", result["fast"][ext]["seconds"]))
        rows.append((f"{ext}: feed-only worker", result["feed_only_app"][ext]["seconds"]))
        rows.append((f"{ext}: rdflib Graph (rate × {n:,})", n / result["rdflib"][ext]["datasets_per_s"]))
    return bar_chart_svg(f"Whole DCAT feed of {n:,} datasets (s)", rows, "s", target=10)


def import_chart(result: dict) -> str:
    """Import parsing rate per format (datasets/s), rdflib's Graph beside it, against the target."""
    from common import bar_chart_svg

    rows = [(f"{ext}: streamed import", result["import_parse"][ext]["datasets_per_s"]) for ext in FORMATS]
    rows.append(("nt: rdflib Graph, parse alone", result["import_parse_rdflib"]["nt"]["datasets_per_s"]))
    return bar_chart_svg(f"DCAT import parsing, {result['datasets']:,} datasets (datasets/s)", rows, "/s",
                         target=15_000)


if __name__ == "__main__":
    main()
