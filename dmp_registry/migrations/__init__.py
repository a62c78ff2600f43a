"""Alembic migrations. `flask dmp db upgrade|downgrade|current|revision`."""
from __future__ import annotations

from pathlib import Path

from alembic.config import Config
from flask import current_app

HERE = Path(__file__).resolve().parent


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(HERE))
    config.set_main_option("file_template", "%%(year)d%%(month).2d%%(day).2d_%%(hour).2d%%(minute).2d_%%(rev)s_%%(slug)s")
    config.attributes["engine"] = current_app.extensions["dmp_engine"]
    return config
