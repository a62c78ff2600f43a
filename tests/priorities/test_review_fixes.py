"""Defects found in review: spreadsheet formula injection in exports, scoring-model divisors of 0,
and page forms that skipped the API's text rules (NUL, length) or lost the user's input."""
from __future__ import annotations

import csv
import datetime as dt
import io

from openpyxl import load_workbook
from sqlalchemy import func, select

from dmp_registry.core.db import db
from dmp_registry.priorities.model_file import read_model_file
from dmp_registry.priorities.models import AssessmentComment, ScoringModel
from dmp_registry.priorities.scores import flatten
from tests.web.conftest import csrf_of

from .conftest import kind

LIST = "/api/v1/priorities/worklists/securing"
HOSTILE = ('=HYPERLINK("http://evil.example","x")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)")


def test_exports_neutralise_spreadsheet_formulas(client, curator, create_dataset, create_person):
    _user, _identity, headers = curator
    custodian = create_person(name="=cmd|' /C calc'!A0")
    for title in HOSTILE:
        create_dataset(title={"nb": title}, custodian_id=str(custodian.id),
                       storage_locations=[{"kind": kind("external-disk"), "copies": 1}])
    body = client.get(f"{LIST}/export.csv", headers=headers)
    assert body.status_code == 200
    rows = list(csv.DictReader(io.StringIO(body.get_data(as_text=True))))
    assert sorted(r["title"] for r in rows) == sorted("'" + t for t in HOSTILE)
    assert {r["custodian"] for r in rows} == {"'=cmd|' /C calc'!A0"}
    xlsx = client.get(f"{LIST}/export.xlsx", headers=headers)
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    assert sorted(row[3] for row in sheet.iter_rows(min_row=2, values_only=True)) == sorted("'" + t for t in HOSTILE)


def test_model_divisors_must_be_at_least_one(client, admin, create_dataset, assess):
    """effort_cap_days / integrity_full_risk_days / retiring_horizon_days of 0 were accepted and made
    the next score of a dataset with an effort or an integrity check divide by zero (a 500)."""
    _user, _identity, headers = admin
    weights = client.get("/api/v1/priorities/model", headers=headers).json["weights"]
    for name in ("effort_cap_days", "integrity_full_risk_days", "retiring_horizon_days"):
        changed = {**weights, "tables": {**weights["tables"], name: 0}}
        response = client.put("/api/v1/priorities/model", json={"weights": changed}, headers=headers)
        assert response.status_code == 422, response.json
        assert f"tables.{name}" in response.json["errors"]["json"]["weights"]
    assert db.session.scalar(select(func.max(ScoringModel.number))) == 1  # nothing written
    dataset = create_dataset(storage_locations=[{"kind": kind("external-disk"), "copies": 1,
                                                 "last_checked": dt.date.today().isoformat()}])
    assess(dataset, effort_publish_days=3)
    listed = client.get(LIST, headers=headers)
    assert listed.status_code == 200 and listed.json["total"] == 1


def test_page_comment_follows_the_api_rules_and_keeps_the_text(signed_in, curator, create_dataset, assess):
    client = signed_in(curator[0])
    dataset = create_dataset()
    assessment = assess(dataset)
    page = client.get(f"/priorities/datasets/{dataset.id}").get_data(as_text=True)
    url = f"/priorities/assessments/{assessment.id}/comments"
    for text in ("bad\x00text", "long " * 1001):
        response = client.post(url, data={"csrf_token": csrf_of(page), "text": text})
        assert response.status_code == 422
        assert 'aria-invalid="true"' in response.get_data(as_text=True)
    kept = client.post(url, data={"csrf_token": csrf_of(page), "text": "long " * 1001})
    assert ("long " * 50) in kept.get_data(as_text=True)  # the user's text is still in the textarea
    assert db.session.scalar(select(func.count()).select_from(AssessmentComment)) == 0
    ok = client.post(url, data={"csrf_token": csrf_of(page), "text": "  fine  "})
    assert ok.status_code == 303
    assert db.session.scalars(select(AssessmentComment.text)).all() == ["fine"]


def test_model_page_note_follows_the_api_rules_and_is_kept(signed_in, admin):
    client = signed_in(admin[0])
    html = client.get("/priorities/model").get_data(as_text=True)
    form = {k: str(v) for k, v in flatten(read_model_file()).items()}
    form.update({"csrf_token": csrf_of(html), "based_on": "1"})
    for note in ("why\x00", "x" * 2001):
        response = client.post("/priorities/model", data={**form, "note": note})
        assert response.status_code == 422
        assert 'id="w-note-error"' in response.get_data(as_text=True)
    kept = client.post("/priorities/model", data={**form, "bands.critical": "abc", "note": "my reason"})
    assert kept.status_code == 422 and "my reason</textarea>" in kept.get_data(as_text=True)
    assert db.session.scalar(select(func.max(ScoringModel.number))) == 1


def test_deleting_an_assessment_rescores_the_dataset(client, curator, create_dataset, assess):
    """The score row kept the deleted assessment's override (and levels) for good: a dataset that did
    not change is never rescored by refresh_stale."""
    _user, _identity, headers = curator
    dataset = create_dataset(storage_locations=[{"kind": kind("institutional-backed-up"), "copies": 3}])
    before = client.get(LIST, headers=headers).json["items"][0]
    assessment = assess(dataset, securing_override=99, securing_override_reason="the drive is failing")
    overridden = client.get(LIST, headers=headers).json["items"][0]
    assert overridden["score"] == 99 and overridden["overridden"] and before["score"] != 99
    deleted = client.delete(f"/api/v1/assessments/{assessment.id}", headers={**headers, "If-Match": '"1"'})
    assert deleted.status_code == 204, deleted.get_data(as_text=True)
    after = client.get(LIST, headers=headers).json["items"][0]
    assert (after["score"], after["overridden"], after["state"]) == (before["score"], False, "identified")
    dashboard = client.get("/api/v1/priorities/dashboard", headers=headers).json
    assert [r["assessed"] for r in dashboard["per_unit"]] == [0]  # no longer counted as assessed
    assert dashboard["series"][-1]["assessed"] == 0


def test_worklist_custodian_filter_offers_only_custodians_of_readable_datasets(
        signed_in, create_user, create_unit, create_person, create_dataset):
    unit, other = create_unit(), create_unit()
    researcher = create_user("researcher", unit=unit)[0]
    mine, hidden = create_person(name="Mine Custodian"), create_person(name="Hidden Custodian")
    create_dataset(unit=unit, custodian_id=str(mine.id))
    create_dataset(unit=other, custodian_id=str(hidden.id))
    page = signed_in(researcher).get("/priorities/worklists/securing").get_data(as_text=True)
    assert "Mine Custodian" in page and "Hidden Custodian" not in page


def test_two_admins_saving_the_model_at_once_get_a_conflict_not_a_500(client, admin, monkeypatch):
    """Both read version 1 and write version 2: the unique model number made the second an
    IntegrityError (500). Simulated by letting the second one still see version 1."""
    from dmp_registry.priorities import scores

    _user, _identity, headers = admin
    weights = client.get("/api/v1/priorities/model", headers=headers).json["weights"]
    assert client.put("/api/v1/priorities/model", json={"weights": weights, "note": "first"},
                      headers=headers).status_code == 200
    first = db.session.scalar(select(ScoringModel).where(ScoringModel.number == 1))
    monkeypatch.setattr(scores, "current_model", lambda: first)
    late = client.put("/api/v1/priorities/model", json={"weights": weights, "note": "second"}, headers=headers)
    assert late.status_code == 409, late.get_data(as_text=True)[:300]
    monkeypatch.undo()
    assert db.session.scalars(select(ScoringModel.note).order_by(ScoringModel.number)).all()[1:] == ["first"]


def test_two_curators_assessing_the_same_dataset_at_once_get_a_conflict(
        client, curator, create_dataset, assess, monkeypatch):
    """The duplicate check in validate() cannot see a concurrent insert: the unique dataset_id then
    raised an IntegrityError (500). Simulated by skipping the check for the second request."""
    from dmp_registry.priorities.service import AssessmentService

    dataset = create_dataset()
    assess(dataset)
    monkeypatch.setattr(AssessmentService, "validate", lambda self, identity, obj, data: None)
    late = client.post("/api/v1/assessments/", json={"dataset_id": str(dataset.id)}, headers=curator[2])
    assert late.status_code == 409, late.get_data(as_text=True)[:300]


def test_an_intake_rescores_the_datasets_the_person_already_holds(client, create_user, create_unit, create_dataset):
    unit = create_unit()
    _user, identity, headers = create_user("researcher", unit=unit)
    held = create_dataset(unit=unit, custodian_id=str(identity.person_id),
                          storage_locations=[{"kind": kind("external-disk"), "copies": 1}])
    before = client.get(LIST, headers=headers).json["items"]
    assert [i["dataset_id"] for i in before] == [str(held.id)]
    soon = (dt.date.today() + dt.timedelta(days=20)).isoformat()
    response = client.post("/api/v1/rescue-intakes/", headers=headers, json={"retirement_date": soon, "items": [
        {"title": "Lysbilder", "storage_kind": kind("paper")}]})
    assert response.status_code == 201, response.json
    from dmp_registry.priorities.models import PriorityScore

    db.session.expire_all()
    after = db.session.scalar(select(PriorityScore.score).where(PriorityScore.dataset_id == held.id,
                                                                PriorityScore.kind == "securing"))
    assert after > before[0]["score"]  # the retirement date counts at once, not after the nightly recompute


def test_every_model_version_is_audited_even_without_a_weight_change(client, admin):
    """A save with the same weights (a note only, or `load-model` of the unchanged file) made a new
    version and recomputed, but left no history row: record_change skips an empty diff."""
    _user, _identity, headers = admin
    weights = client.get("/api/v1/priorities/model", headers=headers).json["weights"]
    response = client.put("/api/v1/priorities/model", json={"weights": weights, "note": "yearly review, no change"},
                          headers=headers)
    assert response.status_code == 200 and response.json["number"] == 2
    history = client.get("/api/v1/priorities/model/history", headers=headers).json
    assert history[0]["version"] == 2 and history[0]["actor_name"] == admin[1].name
    assert history[0]["changes"] == {"model_version": [1, 2], "note": [None, "yearly review, no change"]}
    silent = client.put("/api/v1/priorities/model", json={"weights": weights}, headers=headers)
    assert silent.status_code == 200
    history = client.get("/api/v1/priorities/model/history", headers=headers).json
    assert [h["version"] for h in history[:2]] == [3, 2] and history[0]["changes"] == {"model_version": [2, 3]}


def test_two_requests_scoring_the_same_new_datasets_at_once(app, create_dataset):
    """Two transactions both found a new dataset unscored and inserted its rows: the second hit the
    primary key (a 500 on PostgreSQL). Here the second transaction runs in a thread while the first
    is still open; on SQLite the database lock makes the two run one after the other."""
    import threading

    from dmp_registry.core.uow import unit_of_work
    from dmp_registry.priorities.models import PriorityScore
    from dmp_registry.priorities.scores import current_model, recompute

    dataset = create_dataset(storage_locations=[{"kind": kind("external-disk"), "copies": 1}])
    outcome = {}

    def second():
        with app.app_context():
            try:
                with unit_of_work():
                    outcome["count"] = recompute([dataset.id])
            except Exception as exc:  # noqa: BLE001 - the failure is what the test reports
                outcome["error"] = repr(exc)

    postgres = db.dialect == "postgresql"
    with unit_of_work():
        current_model()  # committed first: the race below is on the score rows only
    with unit_of_work():
        recompute([dataset.id])
        thread = threading.Thread(target=second)
        if postgres:
            thread.start()  # blocks on the rows this transaction inserted until it commits
            thread.join(timeout=1)
            assert thread.is_alive()
    if not postgres:
        thread.start()
    thread.join(timeout=30)
    assert outcome == {"count": 1}
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(PriorityScore)
                             .where(PriorityScore.dataset_id == dataset.id)) == 2


def test_two_first_requests_load_the_model_file_once(app):
    """Two requests on a fresh registry both created model version 1 (unique number: a 500)."""
    import threading

    from dmp_registry.core.uow import unit_of_work
    from dmp_registry.priorities.scores import current_model

    outcome = {}

    def second():
        with app.app_context():
            try:
                with unit_of_work():
                    outcome["number"] = current_model().number
            except Exception as exc:  # noqa: BLE001 - the failure is what the test reports
                outcome["error"] = repr(exc)

    thread = threading.Thread(target=second)
    with unit_of_work():
        current_model()
        if db.dialect == "postgresql":
            thread.start()  # waits for this transaction's version 1 until it commits
            thread.join(timeout=1)
            assert thread.is_alive()
    if db.dialect != "postgresql":
        thread.start()
    thread.join(timeout=30)
    assert outcome == {"number": 1}
    assert db.session.scalar(select(func.count()).select_from(ScoringModel)) == 1


def test_two_first_worklist_refreshes_at_once(app, create_dataset):
    """Both requests of a fresh registry inserted the refresh mark (id 1): the second was a 500."""
    import threading

    from dmp_registry.core.uow import unit_of_work
    from dmp_registry.priorities.models import ScoreRefresh
    from dmp_registry.priorities.scores import current_model, refresh_stale

    create_dataset()
    with unit_of_work():
        current_model()
    outcome = {}

    def second():
        with app.app_context():
            try:
                with unit_of_work():
                    outcome["count"] = refresh_stale()
            except Exception as exc:  # noqa: BLE001 - the failure is what the test reports
                outcome["error"] = repr(exc)

    thread = threading.Thread(target=second)
    with unit_of_work():
        assert refresh_stale() == 1
        if db.dialect == "postgresql":
            thread.start()  # waits for this transaction's mark (and score rows) until it commits
            thread.join(timeout=1)
            assert thread.is_alive()
    if db.dialect != "postgresql":
        thread.start()
    thread.join(timeout=30)
    assert "error" not in outcome and outcome.get("count") in (0, 1)
    assert db.session.scalar(select(func.count()).select_from(ScoreRefresh)) == 1


def test_secured_and_verified_data_stays_on_the_publishing_list(client, curator, create_dataset, assess):
    """"verified" counted as done for both lists, so data that was secured and verified (never
    published) vanished from the publishing list."""
    _user, _identity, headers = curator
    secured, published = assess(create_dataset()), assess(create_dataset())
    for assessment, path in ((secured, ("in_progress", "secured", "verified")),
                             (published, ("in_progress", "published", "verified"))):
        for version, state in enumerate(path, 1):
            response = client.post(f"/api/v1/assessments/{assessment.id}/transition",
                                   json={"version": version, "state": state}, headers=headers)
            assert response.status_code == 200, response.json
    publishing = client.get("/api/v1/priorities/worklists/publishing", headers=headers).json
    assert [i["dataset_id"] for i in publishing["items"]] == [str(secured.dataset_id)] and publishing["total"] == 1
    securing = client.get(LIST, headers=headers).json
    assert securing["total"] == 0  # both verified: nothing left to secure
