"""`dmp priorities …` commands: recompute scores (nightly: the retirement factor moves with the date),
load an edited scoring-model file as a new version, show the model in force."""
from __future__ import annotations

import json
from pathlib import Path

import click
import yaml

from ..core.identity import system_identity
from ..core.uow import unit_of_work


@click.group("priorities")
def group():
    """Curators' priority lists, assessments, worklists and data rescue (issue 7)."""


@group.command("recompute")
def recompute_command():
    """Recompute every securing and publishing score (run nightly: scores depend on today's date)."""
    from ..cli import progressbar
    from .scores import recompute

    with unit_of_work():
        count = recompute(progress=progressbar)
    click.echo(f"Scored {count} datasets.")


@group.command("load-model")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=False)
@click.option("--note", default="Loaded from the scoring-model file", show_default=True)
def load_model_command(path, note):
    """Load the scoring-model YAML (default: mappings/priorities/scoring-model.yaml) as a new model
    version, audited like a change in the UI, and recompute every score."""
    from ..cli import progressbar
    from ..core.errors import InvalidInput
    from .model_file import MODEL_FILE, read_model_file
    from .scores import update_model

    try:
        with unit_of_work():
            model = update_model(system_identity, read_model_file(path or MODEL_FILE), note, None, progress=progressbar)
            number = model.number
    except InvalidInput as exc:
        raise click.ClickException(f"The model file is not valid: {json.dumps(exc.errors, ensure_ascii=False)}")
    except (yaml.YAMLError, ValueError, UnicodeDecodeError) as exc:  # not YAML, or not a mapping
        raise click.ClickException(f"The model file cannot be read: {exc}")
    click.echo(f"Scoring model version {number} is in force; all scores recomputed.")


@group.command("show-model")
def show_model_command():
    """Print the scoring model in force as JSON."""
    from .scores import current_model

    with unit_of_work():
        model = current_model()
        click.echo(json.dumps({"version": model.number, **model.weights}, indent=2, ensure_ascii=False))
