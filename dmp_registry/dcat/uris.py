"""Dereferenceable URIs minted from DMP_BASE_URI and the persistent id; never random."""
from __future__ import annotations

from flask import current_app


def base_uri() -> str:
    return current_app.config["DMP_BASE_URI"].rstrip("/")


def catalog_uri() -> str:
    return f"{base_uri()}/catalog"


def dataset_uri(dataset_id) -> str:
    return f"{base_uri()}/datasets/{dataset_id}"


def distribution_uri(distribution_id) -> str:
    return f"{base_uri()}/distributions/{distribution_id}"
