"""`dmp programme …` commands."""
from __future__ import annotations

import datetime as dt

import click
from flask.cli import with_appcontext


@click.group("programme")
def group():
    """The digital-infrastructure programme: activities, goals, hours, status reports (issue 9)."""


@group.command()
@click.option("--date", "day", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Day to store the values for (default today). Running twice for a day updates that day's values.")
@with_appcontext
def snapshot(day):
    """Store every result goal's current value for the day (the history behind the trend lines)."""
    from sqlalchemy import func, select

    from ..cli import progressbar
    from ..core.db import db
    from ..core.progress import progress_bar
    from ..core.uow import unit_of_work
    from .models import Goal
    from .service import snapshot_goals

    day = day.date() if day else dt.date.today()
    with unit_of_work():
        total = db.session.scalar(select(func.count()).select_from(Goal))
        with progress_bar(progressbar, total, f"Goals {day.isoformat()}") as bar:
            counts = snapshot_goals(day, bar)
    click.echo(f"{counts['written']} goal values stored for {day.isoformat()}"
               + (f", {counts['skipped']} without a value" if counts["skipped"] else ""))


@group.command("import-hours")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def import_hours(path):
    """Import hours from a CSV file (person e-mail, activity code, week, hours, note); all rows or none."""
    from pathlib import Path

    from ..core.identity import system_identity
    from ..core.uow import unit_of_work
    from .hours import import_csv

    with unit_of_work():
        result = import_csv(system_identity, Path(path).read_text(encoding="utf-8-sig"))
    for error in result["errors"]:
        click.echo(f"line {error['line']}: {'; '.join(error['messages'])}", err=True)
    if result["errors"]:
        raise click.ClickException("Nothing was imported.")
    click.echo(f"{result['imported']} rows imported")
