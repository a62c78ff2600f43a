"""The bodies of `dmp plans export-madmp DIR` and `dmp plans import-madmp FILE…` (wired by plans-core)."""
from __future__ import annotations

import contextlib
import json

from dmp_registry.plans.madmp import export_to_directory, import_files

from .conftest import EXAMPLES, FIXTURES, assert_valid


class Bar:
    def __init__(self, total, label):
        self.total, self.label, self.done = total, label, 0

    def update(self, n):
        self.done += n


def recording_factory(bars):
    @contextlib.contextmanager
    def factory(total, label):
        bar = Bar(total, label)
        bars.append(bar)
        yield bar
    return factory


def test_export_writes_one_valid_file_per_plan_with_progress(native_plan, tmp_path):
    plan_id, _dataset_id, identity = native_plan
    bars = []
    assert export_to_directory(identity, tmp_path / "out", progress=recording_factory(bars)) == 1
    document = json.loads((tmp_path / "out" / f"{plan_id}.json").read_text())
    assert_valid(document)
    assert (bars[0].total, bars[0].done) == (1, 1)


def test_import_reports_each_file_and_survives_a_bad_one(madmp_template, researcher, tmp_path):
    _user, identity, _headers = researcher
    bad = tmp_path / "bad.json"
    bad.write_text('{"dmp": {"title": "no contact"}}')
    bars = []
    results = import_files(identity, [EXAMPLES[0], bad, FIXTURES / "dmponline-rda-export.json"],
                           progress=recording_factory(bars))
    assert [type(r).__name__ for _p, r in results] == ["ImportResult", "InvalidInput", "ImportResult"]
    assert results[0][1].losses == [] and results[2][1].losses
    assert "dmp" in results[1][1].errors
    assert bars[0].done == 3
