"""Crosswalk tables (mappings/crosswalks/*.yaml) as data: loaded once, validated, fail fast.

A national profile stacks on the European one: its rows replace the European row of the same
(field, predicate) and add the rest, like ckanext-dcat's profile stacking without the classes."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from .namespaces import PREFIXES, expand

CROSSWALK_DIR = Path(__file__).resolve().parents[2] / "mappings" / "crosswalks"
KINDS = {"literal", "lang-literal", "lang-list", "uri", "concept", "date", "agent", "nested", "bytes"}
LEVELS = {"mandatory", "recommended", "optional"}
STACKS = {"dcat-ap": ("dcat-ap",), "dcat-ap-no": ("dcat-ap", "dcat-ap-no")}


class CrosswalkError(ValueError):
    pass


@dataclass(frozen=True)
class Row:
    field: str
    predicate: str  # full IRI
    kind: str
    level: str
    cls: str | None = None  # full IRI of the class a concept value is typed with
    scheme: str | None = None
    fallback: str | None = None
    note: str | None = None


def _row(name: str, raw: dict) -> Row:
    missing = {"field", "predicate", "kind", "level"} - raw.keys()
    if missing:
        raise CrosswalkError(f"{name}: row {raw} lacks {sorted(missing)}")
    if raw["kind"] not in KINDS or raw["level"] not in LEVELS:
        raise CrosswalkError(f"{name}: row {raw['field']}: unknown kind or level")
    for key in ("predicate", "class"):
        if key in raw and raw[key].partition(":")[0] not in PREFIXES:
            raise CrosswalkError(f"{name}: row {raw['field']}: unknown prefix in {raw[key]}")
    if raw["kind"] == "concept" and not raw.get("scheme"):
        raise CrosswalkError(f"{name}: concept row {raw['field']} needs a scheme")
    return Row(raw["field"], expand(raw["predicate"]), raw["kind"], raw["level"],
               expand(raw["class"]) if raw.get("class") else None, raw.get("scheme"), raw.get("fallback"),
               raw.get("note"))


def load_table(profile: str, entity: str) -> list[Row] | None:
    path = CROSSWALK_DIR / profile / f"{entity}.yaml"
    if not path.exists():
        return None
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [_row(f"{profile}/{entity}", raw) for raw in data["rows"]]


@lru_cache(maxsize=None)
def crosswalk(profile: str, entity: str) -> tuple[Row, ...]:
    """The stacked rows of `entity` ("dataset", "distribution", "data-service") for `profile`."""
    if profile not in STACKS:
        raise CrosswalkError(f"unknown DCAT profile {profile!r}; choose one of {sorted(STACKS)}")
    rows: dict[tuple[str, str], Row] = {}
    for layer in STACKS[profile]:
        for row in load_table(layer, entity) or ():
            rows[(row.field, row.predicate)] = row
    if not rows:
        raise CrosswalkError(f"no crosswalk rows for {profile}/{entity}")
    return tuple(rows.values())


def mandatory_fields(profile: str, entity: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(r.field for r in crosswalk(profile, entity) if r.level == "mandatory"))


def check_all() -> None:
    """Called at app start: a broken table stops the app instead of producing a broken feed."""
    for profile in STACKS:
        for entity in ("dataset", "distribution", "data-service"):
            crosswalk(profile, entity)
