"""`dmp plans …` commands."""
from pathlib import Path

import click
from flask.cli import with_appcontext


@click.group("plans")
def group():
    """Data management plans: templates, plans, review, versions (issue 8)."""


@group.command("load-templates")
@with_appcontext
def load_templates_cmd():
    """Install or update the shipped DMP templates (Science Europe, Horizon Europe, the museum's own)."""
    from ..cli import progressbar
    from ..core.uow import unit_of_work
    from .loader import load_templates

    with unit_of_work():
        counts = load_templates(progress=progressbar)
    click.echo(", ".join(f"{n} {kind}" for kind, n in counts.items()))


@group.command("export-madmp")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@with_appcontext
def export_madmp_cmd(directory):
    """Write every plan as maDMP 1.2 JSON (<plan id>.json) into DIRECTORY."""
    from ..cli import progressbar
    from ..core.identity import system_identity
    from .madmp import export_to_directory

    click.echo(f"{export_to_directory(system_identity, directory, progress=progressbar)} plans exported to {directory}")


@group.command("import-madmp")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--unit", help="Unit code for datasets the registry does not have yet")
@click.option("--template", help="Template key (default DMP_MADMP_IMPORT_TEMPLATE)")
@click.option("--source", type=click.Choice(["madmp", "dmponline"]), help="Default: recognised from the file")
@with_appcontext
def import_madmp_cmd(files, unit, template, source):
    """Import maDMP / DMPonline RDA JSON files as plans, each file in its own transaction."""
    from sqlalchemy import select

    from ..cli import progressbar
    from ..core.db import db
    from ..core.identity import system_identity
    from ..organisation.models import Unit
    from .madmp import import_files

    unit_id = db.session.scalar(select(Unit.id).where(Unit.code == unit)) if unit else None
    if unit and unit_id is None:
        raise click.BadParameter(f"Unknown unit code: {unit}", param_hint="--unit")
    failed = 0
    for path, result in import_files(system_identity, list(files), progress=progressbar,
                                     unit_id=unit_id, template_key=template, source=source):
        if isinstance(result, Exception):
            failed += 1
            click.echo(f"{path}: not imported: {getattr(result, 'errors', None) or result}", err=True)
        else:
            click.echo(f"{path}: plan {result.plan.id}, {len(result.losses)} change(s) in the loss report")
    if failed:
        raise SystemExit(1)
