"""Form plumbing without a browser: parsing, error flattening and the three-way merge rules."""
from __future__ import annotations

from types import SimpleNamespace

from werkzeug.datastructures import MultiDict

from dmp_registry.web import forms
from dmp_registry.web.forms import Field
from dmp_registry.web.merge import merge_conflict, snapshot_at

FIELDS = (Field("title", "Title", "lang", required=True), Field("doi", "DOI"),
          Field("themes", "Themes", "concepts"), Field("storage_locations", "Storage", "storage"),
          Field("listed", "Listed", "bool"))


def test_parse_builds_service_input():
    form = MultiDict([("title.nb", " Fugler "), ("title.en", ""), ("doi", ""), ("themes", "a"), ("themes", "b"),
                      ("storage_locations.0.kind", "k"), ("storage_locations.0.copies", "2"),
                      ("storage_locations.1.kind", ""), ("storage_locations.1.copies", "1")])
    data = forms.parse(FIELDS, form)
    assert data["title"] == {"nb": "Fugler"} and data["doi"] is None and data["themes"] == ["a", "b"]
    assert data["storage_locations"] == [{"kind": "k", "description": None, "copies": 2, "medium": None,
                                          "backed_up": False, "last_checked": None}]  # the empty row is dropped
    assert data["listed"] is False


def test_record_round_trips_through_the_form():
    record = {"title": {"nb": "A", "nn": "B"}, "doi": "10.1/x", "themes": ["t"], "listed": True,
              "storage_locations": [{"kind": "k", "description": "d", "copies": 1, "medium": None,
                                     "backed_up": True, "last_checked": None}]}
    assert forms.parse(FIELDS, forms.to_form(FIELDS, record)) == record


def test_errors_are_flattened_to_form_names():
    flat = forms.flatten_errors({"title": {"nb": ["bad"]}, "storage_locations": {0: {"kind": ["req"]}},
                                 "doi": ["x", "y"]})
    assert flat == {"title.nb": ["bad"], "storage_locations.0.kind": ["req"], "doi": ["x", "y"]}
    state = forms.FormState(FIELDS, errors={"storage_locations": {0: {"kind": ["req"]}}})
    assert state.errors_for(FIELDS[3]) == ["req"] and state.summary == [("f-storage-locations-0-kind", "Storage", "req")]


def _history(*versions):
    return [SimpleNamespace(version=v, changes=c) for v, c in versions]


def test_snapshot_at_replays_the_history():
    history = _history((1, {"title": [None, {"nb": "A"}], "doi": [None, "1"]}), (2, {"doi": ["1", "2"]}),
                       (3, {"title": [{"nb": "A"}, {"nb": "C"}]}))
    assert snapshot_at(history, 2) == {"title": {"nb": "A"}, "doi": "2"}
    assert snapshot_at(history, 9) is None


def test_merge_takes_theirs_keeps_mine_and_flags_real_conflicts():
    history = _history((1, {"title": [None, {"nb": "A"}], "doi": [None, "1"], "themes": [None, ["t"]]}))
    current = {"title": {"nb": "Theirs"}, "doi": "2", "themes": ["t"], "listed": False}
    mine = forms.to_form(FIELDS, {"title": {"nb": "Mine"}, "doi": "1", "themes": ["u"]})
    values, conflicts, merged = merge_conflict(FIELDS, mine, SimpleNamespace(version=2), current, history, 1)
    assert [c.field.name for c in conflicts] == ["title"]  # both changed it
    assert [f.name for f in merged] == ["doi"] and values.get("doi") == "2"  # only they changed it
    assert values.getlist("themes") == ["u"]  # only I changed it
    assert values.get("version") == "2"
