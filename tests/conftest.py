"""Test set-up. The database is SQLite by default; DMP_TEST_DATABASE_URL selects a real PostgreSQL
(`make test` runs the suite on both). Each test starts from an empty registry with vocabularies loaded."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import delete, text, update

from dmp_registry import create_app
from dmp_registry.core.db import Base, db
from dmp_registry.core.identity import system_identity
from dmp_registry.core.uow import unit_of_work

pytest_plugins = ["tests.factories"]
KEPT_TABLES = {"concept", "concept_scheme", "alembic_version"}


def database_url(tmp_dir: str) -> str:
    return os.environ.get("DMP_TEST_DATABASE_URL") or f"sqlite:///{tmp_dir}/test.sqlite"


def test_config(url: str, **extra) -> dict:
    return {"TESTING": True, "DMP_DATABASE_URL": url, "DMP_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            "DMP_BASE_URI": "https://data.test.example", "SECRET_KEY": "test-secret", **extra}


def reset_schema(app) -> None:
    """Drop everything and migrate from scratch, so every run tests the migrations too."""
    from alembic import command

    from dmp_registry.migrations import alembic_config

    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "postgresql":
            with engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        command.upgrade(alembic_config(), "head")


@pytest.fixture(scope="session")
def app():
    with tempfile.TemporaryDirectory() as tmp:
        application = create_app(test_config(database_url(tmp)))
        reset_schema(application)
        with application.app_context():
            from dmp_registry.vocabularies.loader import load

            with unit_of_work():
                reports = load(Path(application.config["DMP_VOCABULARY_DIR"]))
            assert not any(r.errors for r in reports), [r.errors for r in reports if r.errors]
        yield application
        application.extensions["dmp_engine"].dispose()


def wipe(app) -> None:
    with app.app_context():
        with unit_of_work() as session:
            for table in reversed(Base.metadata.sorted_tables):
                if table.name not in KEPT_TABLES:
                    self_refs = {fk.parent.name: None for fk in table.foreign_keys if fk.column.table is table}
                    if self_refs:  # e.g. unit.parent_id: unlink before deleting
                        session.execute(update(table).values(**self_refs))
                    session.execute(delete(table))


@pytest.fixture(autouse=True)
def _clean_registry(request, app):
    ctx = app.app_context()
    ctx.push()
    yield
    db.session.rollback()
    ctx.pop()
    wipe(app)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def system():
    return system_identity


@pytest.fixture
def is_postgres(app):
    return db.dialect == "postgresql"
