"""The score functions alone: each factor's effect, contributions that add up, bands, model checks."""
from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from dmp_registry.priorities.model_file import validate_model
from dmp_registry.priorities.scoring import Facts, Location, band_of, score

TODAY = dt.date(2026, 11, 23)


def facts(**changes) -> Facts:
    base = Facts(today=TODAY, locations=[Location("institutional", "disk", 1, False, TODAY - dt.timedelta(days=400))],
                 has_custodian=True, scientific="level-medium", cultural_heritage="level-medium",
                 archival="level-low", uniqueness="level-medium", demand="level-low", obligation_keep=False,
                 obligation_publish=False, metadata_missing=1, metadata_total=3, documentation="partial")
    return dataclasses.replace(base, **changes)


def securing(model, **changes) -> int:
    return score(facts(**changes), model, "securing").value


def publishing(model, **changes) -> int:
    return score(facts(**changes), model, "publishing").value


def test_one_copy_on_external_disk_of_retiring_custodian_ranks_above_backed_up_institutional(model):
    risky = securing(model, locations=[Location("external-disk", "disk", 1, False, None)],
                     custodian_end=TODAY + dt.timedelta(days=60))
    safe = securing(model, locations=[Location("institutional-backed-up", "disk", 1, True, None)],
                    custodian_end=TODAY + dt.timedelta(days=60))
    assert risky > safe


@pytest.mark.parametrize("worse, better", [
    ([Location("personal-laptop", "disk", 1)], [Location("institutional-backed-up", "disk", 1)]),
    ([Location("paper", "paper", 1)], [Location("national-repository", "disk", 1)]),
    ([Location("external-disk", "disk", 1)], [Location("external-disk", "disk", 1, backed_up=True)]),
    ([Location("cloud", "disk", 1)], [Location("cloud", "disk", 3)]),  # more copies
    ([Location("cloud", "optical", 1)], [Location("cloud", "cloud", 1)]),  # obsolete medium
    ([], [Location("cloud", "cloud", 1)]),  # nothing recorded is the worst case
])
def test_storage_factors_raise_risk(model, worse, better):
    assert securing(model, locations=worse) > securing(model, locations=better)


def test_copies_are_monotonic(model):
    values = [securing(model, locations=[Location("external-disk", "disk", n)]) for n in (1, 2, 3, 5)]
    assert values == sorted(values, reverse=True) and values[0] > values[-1]


def test_older_integrity_check_raises_risk(model):
    values = [securing(model, locations=[Location("institutional", "disk", 1, False, TODAY - dt.timedelta(days=d))])
              for d in (10, 400, 1000, 1800)]
    assert values == sorted(values) and values[0] < values[-1]
    never = securing(model, locations=[Location("institutional", "disk", 1, False, None)])
    assert never >= values[-1]


def test_format_risk_and_regenerable(model):
    formats = [securing(model, format_risk=f) for f in ("format-current", "format-at-risk", "format-obsolete")]
    assert formats == sorted(formats) and formats[0] < formats[2]
    assert securing(model, regenerable=False) > securing(model, regenerable=None) > securing(model, regenerable=True)


def test_securing_score_rises_as_retirement_approaches(model):
    values = [securing(model, custodian_end=TODAY + dt.timedelta(days=d)) for d in (700, 300, 120, 10)]
    assert values == sorted(values) and values[0] < values[-1]
    assert securing(model, custodian_end=None) < values[0]  # active, no date


def test_custodian_status(model):
    active = securing(model, custodian_status="custodian-active")
    assert securing(model, custodian_status="custodian-retired") > active
    assert securing(model, custodian_status="custodian-gone") >= securing(model, custodian_status="custodian-retired")
    assert securing(model, has_custodian=False) > active


@pytest.mark.parametrize("factor", ["scientific", "cultural_heritage", "archival", "uniqueness"])
def test_value_levels_raise_securing(model, factor):
    values = [securing(model, **{factor: level}) for level in ("level-none", "level-low", "level-medium", "level-high")]
    assert values == sorted(values) and values[0] < values[-1]


def test_obligation_to_keep_raises_securing(model):
    assert securing(model, obligation_keep=True) > securing(model, obligation_keep=False)


@pytest.mark.parametrize("factor", ["scientific", "cultural_heritage", "uniqueness", "demand"])
def test_value_levels_raise_publishing(model, factor):
    values = [publishing(model, **{factor: level}) for level in ("level-none", "level-low", "level-medium", "level-high")]
    assert values == sorted(values) and values[0] < values[-1]


def test_publishing_readiness_factors(model):
    assert publishing(model, obligation_publish=True) > publishing(model, obligation_publish=False)
    assert publishing(model, metadata_missing=0) > publishing(model, metadata_missing=2)
    assert publishing(model, has_licence=True, has_access_rights=True, rights_clear=True) > publishing(model)
    personal = publishing(model, personal_data=True)
    assert publishing(model) > personal > publishing(model, personal_data=True, sensitive_location=True)
    assert publishing(model, needs_withholding=False) > publishing(model, needs_withholding=True)
    assert publishing(model, documentation="complete") > publishing(model, documentation="none")
    efforts = [publishing(model, effort_publish_days=d) for d in (1, 10, 30, 90)]
    assert efforts == sorted(efforts, reverse=True) and efforts[0] > efforts[-1]


def test_published_datasets_score_zero_for_publishing(model):
    result = score(facts(published=True), model, "publishing")
    assert (result.value, result.band, result.contributions) == (0, "low", [])


@pytest.mark.parametrize("kind", ["securing", "publishing"])
def test_contributions_add_up_to_the_score(model, kind):
    for variant in (facts(), facts(locations=[], custodian_end=TODAY, scientific="level-high", demand="level-high")):
        result = score(variant, model, kind)
        assert abs(sum(c["points"] for c in result.contributions) - result.value) <= 1
        factors = {c["factor"] for c in result.contributions}
        assert len(result.contributions) == len(factors) or kind == "publishing"
        assert all(c["points"] >= 0 for c in result.contributions)


def test_zero_weight_switches_a_factor_off(model):
    model["securing"]["risk"]["copies"] = 0
    one, nine = [Location("cloud", "cloud", 1)], [Location("cloud", "cloud", 9)]
    assert securing(model, locations=one) == securing(model, locations=nine)


def test_bands(model):
    bands = [band_of(v, model) for v in (100, 70, 69, 45, 20, 19, 0)]
    assert bands == ["critical", "critical", "high", "high", "medium", "low", "low"]


def test_validate_model(model):
    assert validate_model(model, model) == {}
    bad = {**model, "bands": {**model["bands"], "high": 90}, "extra": 1}
    bad["securing"] = {**model["securing"], "value_floor": 2}
    errors = validate_model(bad, model)
    assert errors["extra"] == ["Unknown field."]
    assert errors["securing.value_floor"] == ["Must be between 0 and 1."]
    missing = {k: v for k, v in model.items() if k != "tables"}
    assert validate_model(missing, model) == {"tables": ["Missing."]}
    words = {**model, "securing": {**model["securing"], "risk": {**model["securing"]["risk"], "copies": "many"}}}
    assert validate_model(words, model) == {"securing.risk.copies": ["Must be a number."]}
    order = {**model, "bands": {"critical": 40, "high": 50, "medium": 20}}
    assert "bands" in validate_model(order, model)


def test_a_place_without_copies_does_not_make_data_safer(model):
    """Review fix: a location with 0 copies (a planned deposit, an emptied disk) was taken as the safest
    place and its integrity check counted, so one copy on an external disk looked secured."""
    disk = Location("external-disk", "disk", 1, False, None)
    planned = Location("national-repository", "cloud", 0, True, TODAY)
    assert securing(model, locations=[disk, planned]) == securing(model, locations=[disk])
    assert securing(model, locations=[planned]) == securing(model, locations=[])


def test_score_does_not_drop_once_the_retirement_date_has_passed(model):
    """Review fix: retiring_near (1.0) was above retired (0.9), so data ranked lower the day after its
    custodian left than the day before."""
    around = [securing(model, custodian_end=TODAY + dt.timedelta(days=d)) for d in (30, 1, 0, -1, -400)]
    assert around == sorted(around)
    assert model["tables"]["custodian_risk"]["retiring_near"] <= model["tables"]["custodian_risk"]["retired"]
