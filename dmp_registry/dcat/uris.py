"""Dereferenceable URIs minted from DMP_BASE_URI and the persistent id; never random.

Every function takes an optional `base` so the feed (which resolves the base once per request)
does not look up the app config a million times."""
from __future__ import annotations

from flask import current_app


def base_uri() -> str:
    return current_app.config["DMP_BASE_URI"].rstrip("/")


def catalog_uri(base: str | None = None) -> str:
    return f"{base or base_uri()}/catalog"


def dataset_uri(dataset_id, base: str | None = None) -> str:
    return f"{base or base_uri()}/datasets/{dataset_id}"


def distribution_uri(distribution_id, base: str | None = None) -> str:
    return f"{base or base_uri()}/distributions/{distribution_id}"


def data_service_uri(system_id, base: str | None = None) -> str:
    return f"{base or base_uri()}/data-services/{system_id}"


def flow_uri(flow_id, base: str | None = None) -> str:
    return f"{base or base_uri()}/flows/{flow_id}"


def person_uri(person_id, base: str | None = None) -> str:
    return f"{base or base_uri()}/people/{person_id}"


def project_uri(project_id, base: str | None = None) -> str:
    return f"{base or base_uri()}/projects/{project_id}"
