"""`flask --app dmp_registry dmp …` (also installed as `registry …`): set-up and operations.

Commands open their own unit of work and act as the system identity through the services.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from .core.identity import system_identity
from .core.uow import unit_of_work


@click.group()
def dmp():
    """dmp_registry administration."""


def progressbar(length: int, label: str):
    """A progress bar with counts (n/total), on stderr so output stays parseable."""
    return click.progressbar(length=length, label=label, show_pos=True, show_percent=True, file=sys.stderr)


# ---- database --------------------------------------------------------------------------
@dmp.group()
def db():
    """Database schema migrations (Alembic)."""


@db.command()
@click.argument("revision", default="head")
@with_appcontext
def upgrade(revision):
    """Migrate the database up to REVISION (default: the newest)."""
    from alembic import command

    from .migrations import alembic_config

    command.upgrade(alembic_config(), revision)


@db.command()
@click.argument("revision", default="-1")
@with_appcontext
def downgrade(revision):
    """Migrate down to REVISION (default: one step; 'base' removes every table)."""
    from alembic import command

    from .migrations import alembic_config

    command.downgrade(alembic_config(), revision)


@db.command()
@click.option("-m", "--message", required=True)
@with_appcontext
def revision(message):
    """Generate a new migration from the models (review it before committing)."""
    from alembic import command

    from .migrations import alembic_config

    command.revision(alembic_config(), message=message, autogenerate=True)


# ---- vocabularies ----------------------------------------------------------------------
@dmp.group()
def vocab():
    """Controlled vocabularies."""


@vocab.command("load")
@click.option("--scheme", "schemes", multiple=True, help="Only this scheme (repeatable).")
@click.option("--dry-run", is_flag=True, help="Parse and check, write nothing.")
@with_appcontext
def vocab_load(schemes, dry_run):
    """Load SKOS vocabularies from the vocabularies folder (idempotent)."""
    from .vocabularies.loader import load, ordered_schemes, read_manifest

    vocab_dir = Path(current_app.config["DMP_VOCABULARY_DIR"])
    total = len(ordered_schemes(read_manifest(vocab_dir), list(schemes) or None))
    with unit_of_work(), progressbar(total, "Vocabularies") as bar:
        reports = load(vocab_dir, list(schemes) or None, dry_run=dry_run, progress=lambda _s: bar.update(1))
    failed = False
    for r in reports:
        click.echo(f"{r.scheme}: {r.created} new, {r.updated} changed, {r.deprecated} deprecated"
                   + (f", {len(r.errors)} problems" if r.errors else ""))
        for error in r.errors:
            failed = True
            click.echo(f"  ! {error}", err=True)
    if failed:
        raise SystemExit(1)


# ---- demo, users, set-up ---------------------------------------------------------------
@dmp.command("demo")
@with_appcontext
def demo_cmd():
    """Load the demo data (units, people, projects, datasets, demo accounts)."""
    from .demo import load_demo

    with unit_of_work():
        counts = load_demo()
    click.echo(", ".join(f"{n} {kind}" for kind, n in counts.items()))


@dmp.command()
@with_appcontext
def setup():
    """Migrate, load vocabularies and the shipped DMP templates, and load demo data when the registry
    is empty (used by `make run`)."""
    from sqlalchemy import func, select

    from .core.db import db as database
    from .datasets.models import Dataset
    from .plans.loader import load_templates

    ctx = click.get_current_context()
    ctx.invoke(upgrade)
    ctx.invoke(vocab_load)
    with unit_of_work():
        load_templates(progress=progressbar)
    if current_app.config["DMP_LOAD_DEMO"] and not database.session.scalar(select(func.count()).select_from(Dataset)):
        ctx.invoke(demo_cmd)


@dmp.group()
def user():
    """Local user accounts and API tokens."""


@user.command("create")
@click.argument("username")
@click.option("--role", "roles", multiple=True, type=click.Choice(["researcher", "curator", "programme_lead", "admin"]))
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--email")
@with_appcontext
def user_create(username, roles, password, email):
    """Create a local account."""
    from .auth.schemas import UserIn
    from .auth.service import user_service

    data = _load_or_exit(UserIn(), {"username": username, "password": password, "roles": list(roles), "email": email})
    with unit_of_work():
        created = user_service.create(system_identity, data)
    click.echo(f"created user {created.username} ({created.id})")


@user.command("token")
@click.argument("username")
@click.argument("name")
@with_appcontext
def user_token(username, name):
    """Create an API token for USERNAME; prints it once."""
    from sqlalchemy import select

    from .auth.models import User
    from .auth.service import user_service
    from .core.db import db as database

    account = database.session.scalar(select(User).where(User.username == username))
    if account is None:
        raise click.ClickException(f"no user {username!r}")
    with unit_of_work():
        _token, plain = user_service.create_token(system_identity, account.id, name)
    click.echo(plain)


def _load_or_exit(schema, data):
    from marshmallow import ValidationError

    try:
        return schema.load({k: v for k, v in data.items() if v is not None})
    except ValidationError as exc:
        raise click.ClickException(json.dumps(exc.messages, ensure_ascii=False)) from exc


# ---- import / export -------------------------------------------------------------------
@dmp.command("export")
@click.argument("target", type=click.Path(dir_okay=False, writable=True, allow_dash=True))
@with_appcontext
def export_cmd(target):
    """Export the whole registry as JSON (to a file, or - for stdout)."""
    from .transfer.jsonio import export_registry

    with click.open_file(target, "w", encoding="utf-8") as out:
        counts = export_registry(out, progress=progressbar)
    click.echo(", ".join(f"{n} {table}" for table, n in counts.items() if n), err=True)


@dmp.command("import")
@click.argument("source", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def import_cmd(source):
    """Import a JSON export into an empty registry (all or nothing)."""
    from .core.errors import InvalidInput
    from .transfer.jsonio import import_registry

    try:
        with open(source, encoding="utf-8") as fh, unit_of_work():
            counts = import_registry(fh, progress=progressbar)
    except InvalidInput as exc:
        raise click.ClickException(f"{exc.message} Nothing was imported.") from exc
    click.echo(", ".join(f"{n} {table}" for table, n in counts.items() if n))


@dmp.command("import-inventory")
@click.argument("source", type=click.Path(exists=True, dir_okay=False))
@click.option("--mapping", type=click.Path(exists=True, dir_okay=False), help="Column-mapping YAML file.")
@click.option("--dry-run", is_flag=True, help="Check every row and report; write nothing.")
@click.option("--sheet", help="XLSX sheet name (default: the first).")
@with_appcontext
def import_inventory(source, mapping, dry_run, sheet):
    """Import a dataset inventory from CSV or XLSX: every bad row is reported, nothing is written
    unless all rows are good."""
    from .transfer.inventory import import_inventory as run

    report = run(Path(source), Path(mapping) if mapping else None, dry_run=dry_run, sheet=sheet,
                 progress=progressbar)
    _print_report(report, dry_run, "datasets")


# ---- DCAT ------------------------------------------------------------------------------
@dmp.command("import-dcat")
@click.argument("source")
@click.option("--unit", "unit_code", required=True, help="Code of the unit new datasets belong to.")
@click.option("--dry-run", is_flag=True, help="Report what would be created/updated and every problem; write nothing.")
@with_appcontext
def import_dcat(source, unit_code, dry_run):
    """Create or update datasets from a DCAT catalogue (file or URL; Turtle, RDF/XML, JSON-LD, N-Triples),
    matched by identifier. Hostile input (DTDs, entities, remote JSON-LD contexts) is refused."""
    from sqlalchemy import select

    from .core.db import db as database
    from .core.errors import InvalidInput
    from .dcat.importer import import_bytes
    from .dcat.safe_parse import UnsafeInput, read
    from .organisation.models import Unit

    try:
        data, fmt, base = read(source)
    except (UnsafeInput, OSError, ValueError) as exc:
        raise click.ClickException(str(exc)) from exc
    try:
        with unit_of_work() as session:
            unit_id = database.session.scalar(select(Unit.id).where(Unit.code == unit_code))
            if unit_id is None:
                raise click.ClickException(f"Unknown unit code: {unit_code}")
            with progressbar(len(data), "Reading (bytes)") as bar:
                report = import_bytes(system_identity, data, fmt, unit_id, dry_run, base, progress=bar.update)
            if dry_run:
                session.rollback()
    except (UnsafeInput, ValueError) as exc:
        raise click.ClickException(f"{exc} Nothing was imported.") from exc
    except InvalidInput as exc:
        raise click.ClickException(f"{exc.message} Nothing was imported.") from exc
    for entry in report.datasets:
        click.echo(f"{entry.action:6} {entry.id} {entry.title}")
        for key, messages in entry.problems.items():
            click.echo(f"    problem {key}: {messages}")
        for note in entry.notes:
            click.echo(f"    note: {note}")
    counts = report.counts
    verb = "would be" if dry_run else "were"
    click.echo(f"{counts['create']} {verb} created, {counts['update']} {verb} updated, {counts['skip']} skipped")
    if counts["skip"]:
        sys.exit(1)


@dmp.command("validate-dcat")
@click.argument("source")
@click.option("--shapes", "shape_sets", type=click.Choice(["dcat-ap-no", "dcat-ap"]), multiple=True,
              help="Shape set(s) to check against (default: both).")
@click.option("--warnings/--no-warnings", default=False, help="Also list warnings.")
@with_appcontext
def validate_dcat(source, shape_sets, warnings):
    """Check a DCAT catalogue (file or URL; Turtle, RDF/XML, JSON-LD, N-Triples) with pySHACL.
    Exit status 1 when there are violations."""
    from .dcat.safe_parse import UnsafeInput, load
    from .dcat.validate import validate

    try:
        graph = load(source)
    except (UnsafeInput, OSError, ValueError) as exc:
        raise click.ClickException(str(exc)) from exc
    failed = False
    for shape_set in shape_sets or ("dcat-ap-no", "dcat-ap"):
        findings = [f for f in validate(graph, shape_set) if warnings or f.severity == "Violation"]
        violations = sum(f.severity == "Violation" for f in findings)
        failed |= violations > 0
        click.echo(f"{shape_set}: {violations} violation(s) in {len(graph)} triples")
        for finding in findings:
            click.echo(f"  {finding}")
    if failed:
        sys.exit(1)


# ---- search ----------------------------------------------------------------------------
@dmp.group()
def search():
    """Search index: drain the outbox, rebuild, check."""


def _search_types(name):
    from .search.registry import search_types

    types = search_types()
    if name and name not in types:
        raise click.ClickException(f"unknown type {name!r}; known: {', '.join(types)}")
    return [types[name]] if name else list(types.values())


@search.command("drain")
@click.option("--loop", is_flag=True, help="Keep draining (a small service); stop with Ctrl-C.")
@click.option("--interval", default=2.0, show_default=True, help="Seconds between polls with --loop.")
@with_appcontext
def search_drain(loop, interval):
    """Apply queued changes to the embedded index and Elasticsearch."""
    import time

    from .search.worker import drain, pending_count

    while True:
        report = drain()
        if report.taken or not loop:
            click.echo(f"{report.done} entries done, {report.failed} failed, {report.documents} documents; "
                       f"{pending_count()} pending", err=loop)
            for key, error in list(report.errors.items())[:10]:
                click.echo(f"  ! {key}: {error}", err=True)
        if not loop:
            raise SystemExit(1 if report.failed else 0)
        time.sleep(interval if report.taken == 0 or report.failed else 0)


@search.command("rebuild")
@click.argument("record_type", required=False)
@click.option("--embedded-only", is_flag=True, help="Only the embedded index.")
@click.option("--force", is_flag=True, help="Delete the Elasticsearch index of a rebuild that was stopped.")
@with_appcontext
def search_rebuild(record_type, embedded_only, force):
    """Rebuild indices from the database: the embedded index for TYPE (or every type), and
    Elasticsearch's index of every type (a new index, then an atomic alias swap)."""
    from .search import client
    from .search.repair import RebuildUnderWay, rebuild_elasticsearch, rebuild_embedded

    es = None if embedded_only else client.raw_client()
    for st in _search_types(record_type):
        click.echo(f"{st.name}: {rebuild_embedded(st, progress=progressbar)} documents in the embedded index")
    if es is not None:  # one index holds every type: it is rebuilt whole
        try:
            counts = rebuild_elasticsearch(es, progress=progressbar, force=force)
        except RebuildUnderWay as exc:
            raise click.ClickException(str(exc)) from exc
        for name, count in counts.items():
            click.echo(f"{name}: {count} documents in Elasticsearch")


@search.command("check")
@click.argument("record_type", required=False)
@with_appcontext
def search_check(record_type):
    """Report records missing, stale or extra in the indices; exit 1 when any."""
    from .search import client
    from .search.repair import check
    from .search.worker import pending_count

    failed = False
    for st in _search_types(record_type):
        for r in check(st, client.raw_client()):
            failed |= not r.ok
            click.echo(f"{r.engine} {r.record_type}: {r.records} records, {len(r.missing)} missing, "
                       f"{len(r.stale)} stale, {len(r.extra)} extra")
            for label, ids in (("missing", r.missing), ("stale", r.stale), ("extra", r.extra)):
                for record_id in ids[:20]:
                    click.echo(f"  {label} {record_id}")
    click.echo(f"{pending_count()} outbox entries pending")
    raise SystemExit(1 if failed else 0)


@dmp.command("import-systems")
@click.argument("source", type=click.Path(exists=True, dir_okay=False))
@click.option("--mapping", type=click.Path(exists=True, dir_okay=False), help="Column-mapping YAML file.")
@click.option("--dry-run", is_flag=True, help="Check every row and report; write nothing.")
@click.option("--sheet", help="XLSX sheet name (default: the first).")
@with_appcontext
def import_systems_cmd(source, mapping, dry_run, sheet):
    """Import an IT-system inventory from CSV or XLSX (all rows or none)."""
    from .transfer.systems import import_systems

    report = import_systems(Path(source), Path(mapping) if mapping else None, dry_run=dry_run, sheet=sheet,
                            progress=progressbar)
    _print_report(report, dry_run, "systems")


def _print_report(report, dry_run: bool, what: str) -> None:
    for problem in report.problems:
        click.echo(f"row {problem.row}: {problem.field}: {problem.message}", err=True)
    if report.problems:
        click.echo(f"{len(report.problems)} problems in {report.bad_rows} of {report.rows} rows; nothing imported.")
        raise SystemExit(1)
    click.echo(f"{report.rows} rows checked, {'would import' if dry_run else 'imported'} {report.imported} {what}.")


def _add_area_groups() -> None:
    from .plans.cli import group as plans_group
    from .priorities.cli import group as priorities_group
    from .programme.cli import group as programme_group

    for group in (priorities_group, plans_group, programme_group):
        dmp.add_command(group)


_add_area_groups()


def main():
    """The `registry` console script: the Flask CLI with this app preset."""
    from . import create_app

    FlaskGroup(create_app=create_app)(prog_name="registry")
