"""Small pure functions: no app, no database."""
from __future__ import annotations

import pytest
from marshmallow import ValidationError

from dmp_registry.core.history import diff
from dmp_registry.core.schemas import clean_lang
from dmp_registry.organisation.schemas import valid_orcid
from dmp_registry.vocabularies.loader import ordered_schemes
from dmp_registry.vocabularies.models import pick_label


@pytest.mark.parametrize("orcid", ["0000-0002-1825-0097", "0000-0002-1694-233X", "0000-0001-5109-3700"])
def test_valid_orcids(orcid):
    valid_orcid(orcid)


@pytest.mark.parametrize("orcid", ["0000-0002-1825-0098", "0000-0002-1825-009", "https://orcid.org/0000-0002-1825-0097"])
def test_invalid_orcids(orcid):
    with pytest.raises(ValidationError):
        valid_orcid(orcid)


def test_diff_lists_changed_fields_only():
    assert diff({"a": 1, "b": 2, "version": 1}, {"a": 1, "b": 3, "c": 4, "version": 2}) == {"b": [2, 3], "c": [None, 4]}
    assert diff(None, {"a": 1}) == {"a": [None, 1]}
    assert diff({"a": 1}, None) == {"a": [1, None]}


def test_clean_lang_drops_empty_languages():
    assert clean_lang({"nb": "Fugl", "nn": "", "en": None}) == {"nb": "Fugl"}
    assert clean_lang(None) == {}


def test_pick_label_falls_back():
    assert pick_label({"en": "Bird", "nb": "Fugl"}, "en") == "Bird"
    assert pick_label({"en": "Bird"}, "nb") == "Bird"
    assert pick_label({"nn": "Fugl"}, "en") == "Fugl"
    assert pick_label({}, "nb") is None


def test_schemes_ordered_by_dependencies():
    manifest = {"a": {"depends_on": ["b"]}, "b": {"depends_on": ["c"]}, "c": {}}
    assert ordered_schemes(manifest) == ["c", "b", "a"]
    assert ordered_schemes(manifest, ["b"]) == ["c", "b"]


def test_dependency_cycle_is_reported():
    with pytest.raises(ValueError, match="cycle"):
        ordered_schemes({"a": {"depends_on": ["b"]}, "b": {"depends_on": ["a"]}})
