"""Migrations: a real downgrade, and the models match what the migrations build."""
from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from dmp_registry.core.db import Base, db
from dmp_registry.migrations import alembic_config
from dmp_registry.search.store import include_name


def test_models_match_migrations(app):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "include_name": include_name})
        assert compare_metadata(context, Base.metadata) == []


def test_downgrade_to_base_and_back(app):
    config = alembic_config()
    command.downgrade(config, "base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    command.upgrade(config, "head")
    assert {"dataset", "distribution", "change_record"} <= set(inspect(db.engine).get_table_names())
    from pathlib import Path

    from dmp_registry.core.uow import unit_of_work
    from dmp_registry.vocabularies.loader import load

    with unit_of_work():  # restore the reference data the rest of the suite relies on
        load(Path(app.config["DMP_VOCABULARY_DIR"]))
