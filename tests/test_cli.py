"""The CLI: set-up, demo data, users and tokens, JSON export/import, vocabulary dry run."""
from __future__ import annotations

import json
import re

from sqlalchemy import func, select

from dmp_registry.auth.models import User
from dmp_registry.core.db import db
from dmp_registry.datasets.models import Dataset


def run(app, *args, input=None):
    return app.test_cli_runner().invoke(args=["dmp", *args], input=input)


def demo_datasets(output: str) -> int:
    """Datasets the demo says it made: those of demo.yaml and the drafts of its rescue intake."""
    counts = {kind: int(n) for n, kind in re.findall(r"(\d+) (\w+)", output.strip().splitlines()[-1])}
    return counts["datasets"] + counts.get("rescue_drafts", 0)


def test_setup_loads_demo_once(app):
    first = run(app, "setup")
    assert first.exit_code == 0, first.output
    expected = demo_datasets(first.output)
    assert expected >= 12 and db.session.scalar(select(func.count()).select_from(Dataset)) == expected
    again = run(app, "setup")
    assert again.exit_code == 0, again.output
    assert db.session.scalar(select(func.count()).select_from(Dataset)) == expected, "demo data is loaded only when empty"


def test_user_and_token_commands(app, client):
    created = run(app, "user", "create", "ola", "--role", "curator", "--password", "very secret pw")
    assert created.exit_code == 0, created.output
    assert db.session.scalar(select(User).where(User.username == "ola")).roles == ["curator"]
    token = run(app, "user", "token", "ola", "script").output.strip()
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).json["username"] == "ola"
    bad = run(app, "user", "create", "Not Valid", "--password", "x")
    assert bad.exit_code != 0 and "username" in bad.output


def test_export_and_import_commands(app, tmp_path):
    from tests.conftest import wipe

    expected = demo_datasets(run(app, "demo").output)
    target = tmp_path / "export.json"
    assert run(app, "export", str(target)).exit_code == 0
    document = json.loads(target.read_text())
    assert len(document["tables"]["dataset"]) == expected
    refused = run(app, "import", str(target))
    assert refused.exit_code == 1 and "empty registry" in refused.output and "Nothing was imported" in refused.output
    wipe(app)
    imported = run(app, "import", str(target))
    assert imported.exit_code == 0, imported.output
    again = tmp_path / "again.json"
    run(app, "export", str(again))
    assert again.read_text() == target.read_text()


def test_vocab_dry_run_reports_counts(app):
    result = run(app, "vocab", "load", "--dry-run", "--scheme", "eu-data-theme")
    assert result.exit_code == 0
    assert "eu-data-theme: 13 new" in result.output
