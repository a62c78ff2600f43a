"""The demo data makes the priorities pages alive; the CLI recomputes and loads the model file."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from dmp_registry.core.db import db
from dmp_registry.core.uow import unit_of_work
from dmp_registry.priorities.models import Assessment, PriorityScore, RescueIntake, ScoringModel


def test_demo_assesses_datasets_and_files_a_rescue_intake(monkeypatch):
    import dmp_registry.demo as demo

    monkeypatch.setattr(demo, "AREAS_WITH_DEMO", ("priorities",))
    with unit_of_work():
        counts = demo.load_demo(dt.date(2026, 11, 23))
    assert counts["assessments"] == 4 and counts["rescue_drafts"] == 2
    assert db.session.scalar(select(func.count()).select_from(Assessment)) == 4
    intake = db.session.scalars(select(RescueIntake)).one()
    assert len(intake.dataset_ids) == 2
    states = set(db.session.scalars(select(Assessment.state)))
    assert {"in_progress", "verified", "assessed"} <= states
    scored = db.session.scalar(select(func.count()).select_from(PriorityScore).where(PriorityScore.kind == "securing"))
    assert scored == counts["datasets"] + 2


def test_cli_recompute_and_load_model(app, create_dataset):
    create_dataset()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["dmp", "priorities", "recompute"])
    assert result.exit_code == 0, result.output
    assert "Scored 1 datasets" in result.output
    result = runner.invoke(args=["dmp", "priorities", "load-model", "--note", "yearly review"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(func.max(ScoringModel.number))) == 2
    shown = runner.invoke(args=["dmp", "priorities", "show-model"])
    assert '"version": 2' in shown.output


def test_cli_load_model_reports_a_broken_file(app, tmp_path):
    """A file that is not YAML, or not a mapping, was a traceback; it is a message and exit code 1."""
    runner = app.test_cli_runner()
    for name, content in (("broken.yaml", "bands: [unclosed\n"), ("list.yaml", "- 1\n- 2\n"),
                          ("wrong.yaml", "bands: {critical: 70}\n")):
        path = tmp_path / name
        path.write_text(content, encoding="utf-8")
        result = runner.invoke(args=["dmp", "priorities", "load-model", str(path)])
        assert result.exit_code == 1 and result.exception.__class__ is SystemExit, (name, result.output)
        assert "model file" in result.output
    assert db.session.scalar(select(func.max(ScoringModel.number))) in (None, 1)
