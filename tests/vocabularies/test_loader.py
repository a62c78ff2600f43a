"""Vocabulary loading: complete, idempotent, deprecates instead of deleting, reports problems."""
from __future__ import annotations

from pathlib import Path

import yaml
from dmp_registry.core.db import db
from dmp_registry.core.uow import unit_of_work
from dmp_registry.vocabularies.loader import load, read_manifest
from dmp_registry.vocabularies.models import Concept

SCHEME = "https://example.org/vocab/test"


def write_vocab(folder: Path, concepts: list[tuple[str, str, str]]) -> Path:
    lines = ["@prefix skos: <http://www.w3.org/2004/02/skos/core#> ."]
    for code, nb, en in concepts:
        labels = ", ".join(x for x in (f'"{nb}"@nb' if nb else "", f'"{en}"@en' if en else "") if x)
        lines.append(f'<{SCHEME}/{code}> a skos:Concept ; skos:inScheme <{SCHEME}> ; skos:notation "{code}" ; '
                     f"skos:prefLabel {labels} .")
    (folder / "test.ttl").write_text("\n".join(lines), encoding="utf-8")
    (folder / "manifest.yaml").write_text(yaml.safe_dump({"schemes": {"test-scheme": {
        "file": "test.ttl", "uri": SCHEME, "title": {"nb": "Test", "en": "Test"}}}}))
    return folder


def test_every_shipped_scheme_loads_without_problems(app):
    vocab_dir = Path(app.config["DMP_VOCABULARY_DIR"])
    reports = load(vocab_dir, dry_run=True)
    assert {r.scheme for r in reports} == set(read_manifest(vocab_dir))
    assert all(not r.errors and r.created > 0 for r in reports), [(r.scheme, r.errors) for r in reports if r.errors]


def test_reload_is_idempotent(app):
    vocab_dir = Path(app.config["DMP_VOCABULARY_DIR"])
    with unit_of_work():
        reports = load(vocab_dir)
    assert sum(r.created + r.updated + r.deprecated for r in reports) == 0


def test_removed_concept_is_deprecated_not_deleted(tmp_path):
    with unit_of_work():
        load(write_vocab(tmp_path, [("a", "A", "A"), ("b", "B", "B")]))
    with unit_of_work():
        [report] = load(write_vocab(tmp_path, [("a", "A2", "A")]))
    assert (report.updated, report.deprecated) == (1, 1)
    assert db.session.get(Concept, f"{SCHEME}/b").deprecated is True
    assert db.session.get(Concept, f"{SCHEME}/a").pref_label["nb"] == "A2"
    _drop_test_scheme()


def _drop_test_scheme():
    """Vocabulary tables survive between tests (they are reference data); remove what this test added."""
    from dmp_registry.vocabularies.models import ConceptScheme
    from dmp_registry.vocabularies.service import concept_cache

    with unit_of_work():
        db.session.execute(Concept.__table__.delete().where(Concept.scheme_id == "test-scheme"))
        db.session.execute(ConceptScheme.__table__.delete().where(ConceptScheme.id == "test-scheme"))
    concept_cache.invalidate()


def test_concept_without_norwegian_label_is_reported(tmp_path):
    [report] = load(write_vocab(tmp_path, [("a", "", "Only English")]), dry_run=True)
    assert report.errors and "nb" in report.errors[0]


def test_vocabulary_api_lists_and_searches(client):
    schemes = client.get("/api/v1/vocabularies/").json
    assert "eu-data-theme" in {s["id"] for s in schemes}
    hits = client.get("/api/v1/vocabularies/eu-data-theme?q=milj").json
    assert [h["notation"] for h in hits] == ["ENVI"]
    assert client.get("/api/v1/vocabularies/no-such-scheme").status_code == 404
