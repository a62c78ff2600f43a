"""The two priority scores as pure functions of a dataset's facts and the scoring model.

    securing   = 100 * RISK    * (value_floor     + (1 - value_floor)     * VALUE)
    publishing = 100 * BENEFIT * (readiness_floor + (1 - readiness_floor) * READINESS)

Each part is a weighted mean of factors in 0..1 (mappings/priorities/scoring-model.yaml). The score
splits exactly into one contribution per factor: a factor of the first part earns
100 * share * floor-term, a factor of the second part 100 * first-part * (1 - floor) * share, so the
points shown on a page add up to the score. No database, no Flask: tests call these directly."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .models import KINDS

BANDS = ("critical", "high", "medium", "low")


@dataclass(frozen=True)
class Location:
    kind: str | None = None        # storage-kind notation
    medium: str | None = None      # storage-medium notation
    copies: int = 1
    backed_up: bool = False
    last_checked: dt.date | None = None


@dataclass
class Facts:
    """What the scores look at: registry facts plus the curator's assessment (None: not assessed)."""

    today: dt.date
    locations: list[Location] = field(default_factory=list)
    has_custodian: bool = False
    custodian_end: dt.date | None = None     # employment end (retirement date)
    custodian_status: str | None = None      # assessment-term notation, overrides the derived status
    format_risk: str | None = None
    regenerable: bool | None = None
    scientific: str | None = None            # level notations
    cultural_heritage: str | None = None
    archival: str | None = None
    uniqueness: str | None = None
    demand: str | None = None
    obligation_keep: bool | None = None
    obligation_publish: bool | None = None
    metadata_missing: int = 0
    metadata_total: int = 1
    has_licence: bool = False
    has_access_rights: bool = False
    rights_clear: bool | None = None
    personal_data: bool = False
    sensitive_location: bool = False
    needs_withholding: bool | None = None
    documentation: str | None = None         # documentation-status notation
    effort_publish_days: float | None = None
    published: bool = False


@dataclass(frozen=True)
class Result:
    value: int
    band: str
    contributions: list[dict]


def band_of(value: float, model: dict) -> str:
    for band in BANDS[:-1]:
        if value >= model["bands"][band]:
            return band
    return BANDS[-1]


def score(facts: Facts, model: dict, kind: str) -> Result:
    if kind not in KINDS:
        raise ValueError(kind)
    if kind == "securing":
        spec = model["securing"]
        return _combine(securing_risk(facts, model), spec["risk"], securing_value(facts, model), spec["value"],
                        spec["value_floor"], ("risk", "value"), model)
    if facts.published:  # nothing left to publish
        return Result(0, band_of(0, model), [])
    spec = model["publishing"]
    return _combine(publishing_benefit(facts, model), spec["benefit"], publishing_readiness(facts, model),
                    spec["readiness"], spec["readiness_floor"], ("benefit", "readiness"), model)


def _mean(values: dict, weights: dict) -> tuple[float, float]:
    total = sum(weights.values())
    if total <= 0:
        return 0.0, 0.0
    return sum(values[k] * w for k, w in weights.items()) / total, total


def _combine(first: dict, first_w: dict, second: dict, second_w: dict, floor: float, groups, model) -> Result:
    first_mean, first_total = _mean(first, first_w)
    second_mean, second_total = _mean(second, second_w)
    multiplier = floor + (1 - floor) * second_mean
    contributions = []
    for key, weight in first_w.items():
        points = 100 * (first[key] * weight / first_total if first_total else 0) * floor
        contributions.append(_contribution(groups[0], key, first[key], weight, points))
    for key, weight in second_w.items():
        share = second[key] * weight / second_total if second_total else 0
        contributions.append(_contribution(groups[1], key, second[key], weight, 100 * first_mean * (1 - floor) * share))
    value = 100 * first_mean * multiplier
    contributions.sort(key=lambda c: -c["points"])
    return Result(round(value), band_of(round(value), model), contributions)


def _contribution(group, factor, level, weight, points) -> dict:
    return {"group": group, "factor": factor, "level": round(level, 3), "weight": weight, "points": round(points, 1)}


# ---- factors ------------------------------------------------------------------------------
def _level(model, notation: str | None) -> float:
    return model["tables"]["level"].get(notation, model["tables"]["unknown_level"]) if notation else \
        model["tables"]["unknown_level"]


def _flag(model, value: bool | None, when_true: float, when_false: float) -> float:
    if value is None:
        return model["tables"]["unknown_level"]
    return when_true if value else when_false


def _location_risk(model, loc: Location) -> float:
    tables = model["tables"]
    risk = tables["storage_kind_risk"].get(loc.kind, 1.0)
    return risk * (tables["backed_up_factor"] if loc.backed_up else 1.0)


def custodian_risk(facts: Facts, model: dict) -> float:
    tables = model["tables"]
    table = tables["custodian_risk"]
    status = (facts.custodian_status or "").removeprefix("custodian-") or None
    if status in ("gone", "retired", "active") and status:
        return table[status]
    if not facts.has_custodian and status is None:
        return table["none"]
    end = facts.custodian_end
    if end is not None and end <= facts.today:
        return table["retired"]
    if end is None:
        return table["retiring_far"] if status == "retiring" else table["active"]
    horizon = tables["retiring_horizon_days"]
    days_left = (end - facts.today).days
    if days_left >= horizon:
        return table["retiring_far"]
    near, far = table["retiring_near"], table["retiring_far"]
    return far + (near - far) * (1 - days_left / horizon)


_int_keys: dict = {}


def _copies_table(table: dict) -> dict:
    """{"0": 1.0, …} (JSON keys) → {0: 1.0, …}, converted once per model table."""
    found = _int_keys.get(id(table))
    if found is None or found[0] is not table:
        found = _int_keys[id(table)] = (table, {int(k): v for k, v in table.items()})
    return found[1]


def securing_risk(facts: Facts, model: dict) -> dict:
    tables = model["tables"]
    copies_table = _copies_table(tables["copies_risk"])
    held = [loc for loc in facts.locations if loc.copies > 0]  # a place with no copy (planned, emptied) protects nothing
    copies = sum(loc.copies for loc in held)
    safest = min(held, key=lambda loc: _location_risk(model, loc)) if held else None
    checked = [loc.last_checked for loc in held if loc.last_checked]
    if checked:
        days = (facts.today - max(checked)).days
        integrity = min(max(days, 0) / tables["integrity_full_risk_days"], 1.0)
    else:
        integrity = 1.0
    medium = tables["medium_risk"].get(safest.medium, tables["unknown_level"]) if safest and safest.medium \
        else tables["unknown_level"]
    return {
        "copies": copies_table.get(min(copies, max(copies_table)), 1.0),
        "storage": _location_risk(model, safest) if safest else 1.0,
        "medium": medium,
        "format": tables["format_risk"].get(facts.format_risk, tables["unknown_level"]) if facts.format_risk
        else tables["unknown_level"],
        "integrity": integrity,
        "custodian": custodian_risk(facts, model),
        "regenerable": _flag(model, facts.regenerable, 0.0, 1.0),
    }


def securing_value(facts: Facts, model: dict) -> dict:
    return {
        "scientific": _level(model, facts.scientific),
        "cultural_heritage": _level(model, facts.cultural_heritage),
        "archival": _level(model, facts.archival),
        "uniqueness": _level(model, facts.uniqueness),
        "obligation_keep": _flag(model, facts.obligation_keep, 1.0, 0.0),
    }


def publishing_benefit(facts: Facts, model: dict) -> dict:
    return {
        "scientific": _level(model, facts.scientific),
        "cultural_heritage": _level(model, facts.cultural_heritage),
        "uniqueness": _level(model, facts.uniqueness),
        "demand": _level(model, facts.demand),
        "obligation_publish": _flag(model, facts.obligation_publish, 1.0, 0.0),
    }


def publishing_readiness(facts: Facts, model: dict) -> dict:
    tables = model["tables"]
    total = max(facts.metadata_total, 1)
    rights = [1.0 if facts.has_licence else 0.0, 1.0 if facts.has_access_rights else 0.0,
              _flag(model, facts.rights_clear, 1.0, 0.0)]
    if facts.needs_withholding is None:
        sensitivity = 1.0 - 0.5 * facts.personal_data - 0.5 * facts.sensitive_location
    else:
        sensitivity = 0.0 if facts.needs_withholding else 1.0
    cap = tables["effort_cap_days"]
    effort = tables["unknown_level"] if facts.effort_publish_days is None else \
        1.0 - min(max(facts.effort_publish_days, 0.0), cap) / cap
    return {
        "metadata": 1.0 - min(facts.metadata_missing, total) / total,
        "rights": sum(rights) / len(rights),
        "sensitivity": sensitivity,
        "documentation": tables["documentation"].get(facts.documentation, tables["unknown_level"])
        if facts.documentation else tables["unknown_level"],
        "effort": effort,
    }
