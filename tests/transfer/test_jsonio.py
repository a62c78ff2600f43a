"""Full JSON export → empty registry → import → export gives the same bytes."""
from __future__ import annotations

import io

import pytest

from dmp_registry.core.errors import InvalidInput
from dmp_registry.core.uow import unit_of_work
from dmp_registry.demo import load_demo
from dmp_registry.transfer.jsonio import export_registry, import_registry
from tests.conftest import wipe


def export_text() -> str:
    out = io.StringIO()
    export_registry(out)
    return out.getvalue()


def test_round_trip_is_identical(app, client, curator):
    with unit_of_work():
        demo = load_demo()
    dataset = client.get("/api/v1/datasets/", headers=curator[2]).json["items"][0]
    client.patch(f"/api/v1/datasets/{dataset['id']}", json={"version": dataset["version"], "volume_bytes": 7},
                 headers=curator[2])
    first = export_text()
    assert '"dataset": [' in first and '"change_record": [' in first
    wipe(app)
    with unit_of_work():
        counts = import_registry(io.StringIO(first))
    assert counts["dataset"] == demo["datasets"] + demo.get("rescue_drafts", 0) and counts["user_account"] >= 5
    assert counts["plan"] == demo["plans"] and counts["activity"] == demo["activities"]  # every area goes along
    assert export_text() == first
    # the imported registry works: versions and history continue
    again = client.get(f"/api/v1/datasets/{dataset['id']}", headers=curator[2]).json
    assert again["volume_bytes"] == 7 and again["version"] == dataset["version"] + 1
    patched = client.patch(f"/api/v1/datasets/{dataset['id']}", json={"version": again["version"], "volume_bytes": 8},
                           headers=curator[2])
    assert patched.status_code == 200


def test_import_refuses_non_empty_registry(create_dataset):
    create_dataset()
    text = export_text()
    with pytest.raises(InvalidInput, match="empty registry"):
        import_registry(io.StringIO(text))


@pytest.mark.parametrize("text", ["not json", '{"format": "other"}', '{"format": "dmp-registry-export", "format_version": 99}'])
def test_import_rejects_foreign_files(text):
    with pytest.raises(InvalidInput):
        import_registry(io.StringIO(text))
