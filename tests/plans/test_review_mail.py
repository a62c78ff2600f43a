"""Review workflow with e-mails delivered to a real local SMTP server (aiosmtpd), snapshots and their diff."""
from __future__ import annotations

import socket
import time
from email import message_from_bytes, policy
from email.header import decode_header, make_header

import pytest
from aiosmtpd.controller import Controller
from flask_babel import force_locale, gettext

from dmp_registry.core.errors import ConflictError, InvalidInput, PermissionDenied
from dmp_registry.core.uow import unit_of_work
from dmp_registry.plans import review
from dmp_registry.plans.service import plan_service


class Sink:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_sink(app, monkeypatch):
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=_free_port())
    controller.start()
    monkeypatch.setitem(app.config, "DMP_SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "DMP_SMTP_PORT", controller.port)
    monkeypatch.setitem(app.config, "DMP_MAIL_FROM", "dmp@museum.test")
    yield sink
    controller.stop()


def _wait_for(sink, count, timeout=5.0):
    deadline = time.monotonic() + timeout
    while len(sink.messages) < count and time.monotonic() < deadline:
        time.sleep(0.02)
    return sink.messages


def _subject(msg) -> str:
    return str(make_header(decode_header(msg["Subject"])))


@pytest.fixture
def team(make_plan, create_user):
    """A plan with owner, co-author and reviewer (each a user with a person and an e-mail)."""
    def make(language="nb"):
        owner_user, owner, _h = create_user("researcher")
        _c, coauthor, _h2 = create_user("researcher")
        _r, reviewer, _h3 = create_user("researcher")
        plan = make_plan(owner, language=language, title="Hekkeplan")
        with unit_of_work():
            plan_service.add_contributor(owner, plan.id, coauthor.person_id, "co_author")
            plan_service.add_contributor(owner, plan.id, reviewer.person_id, "reviewer")
            plan_service.save_answer(owner, plan.id, "t-desc", "Tellinger av hekkende sjøfugl", None)
            plan_service.save_answer(owner, plan.id, "t-personal", False, None)
        return plan, owner, coauthor, reviewer
    return make


def _emails(*identities):
    from dmp_registry.core.db import db
    from dmp_registry.organisation.models import Person

    return {db.session.get(Person, i.person_id).email for i in identities}


def test_review_workflow_sends_mail_to_the_people_involved(team, smtp_sink):
    plan, owner, coauthor, reviewer = team("en")
    with unit_of_work():
        snapshot = review.submit(owner, plan.id)
    assert snapshot.number == 1
    messages = _wait_for(smtp_sink, 2)
    assert {rcpt for rcpts, _m in messages for rcpt in rcpts} == _emails(coauthor, reviewer)  # not the submitter
    assert all(_subject(m) == "Data management plan submitted for review: Hekkeplan" for _r, m in messages)
    assert [(m["Content-Language"], m["From"]) for _r, m in messages] == [("en", "dmp@museum.test")] * 2
    assert f"/plans/{plan.id}" in messages[0][1].get_content()

    smtp_sink.messages.clear()
    with unit_of_work():
        review.return_plan(reviewer, plan.id, [{"question_key": "t-desc", "text": "Name the counting method."},
                                               {"question_key": None, "text": "Add a storage section."}])
    messages = _wait_for(smtp_sink, 2)
    assert {rcpt for rcpts, _m in messages for rcpt in rcpts} == _emails(owner, coauthor)
    body = messages[0][1].get_content()
    assert "- Describe the data: Name the counting method." in body
    assert "- General comment: Add a storage section." in body

    smtp_sink.messages.clear()
    with unit_of_work():
        review.comment(reviewer, plan.id, "t-desc", "And the years.")
    assert {rcpt for rcpts, _m in _wait_for(smtp_sink, 2) for rcpt in rcpts} == _emails(owner, coauthor)

    smtp_sink.messages.clear()
    with unit_of_work():
        review.submit(coauthor, plan.id)
    _wait_for(smtp_sink, 2)
    smtp_sink.messages.clear()
    with unit_of_work():
        review.approve(reviewer, plan.id)
    messages = _wait_for(smtp_sink, 2)
    assert sorted(_subject(m) for _r, m in messages) == ["Data management plan approved: Hekkeplan"] * 2
    plan = plan_service.read(owner, plan.id)
    assert plan.status == "approved" and plan.approved_at is not None
    assert [(s.number, s.status) for s in plan.snapshots] == [(1, "returned"), (2, "approved")]


def test_mail_is_written_in_the_recipients_language(team, smtp_sink):
    plan, owner, _coauthor, _reviewer = team("nb")
    with unit_of_work():
        review.submit(owner, plan.id)
    messages = _wait_for(smtp_sink, 2)
    with force_locale("nb"):
        expected = gettext("Data management plan submitted for review: %(title)s", title="Hekkeplan")
    assert [m["Content-Language"] for _r, m in messages] == ["nb", "nb"]
    assert {_subject(m) for _r, m in messages} == {expected}


def test_nothing_is_sent_when_the_transaction_fails(team, smtp_sink):
    plan, owner, _c, reviewer = team()
    with pytest.raises(RuntimeError), unit_of_work():
        review.submit(owner, plan.id)
        raise RuntimeError("the request failed after submitting")
    time.sleep(0.3)
    assert smtp_sink.messages == []
    assert plan_service.read(owner, plan.id).status == "draft"


def test_review_rules(team, make_plan, create_user):
    plan, owner, coauthor, reviewer = team()
    with pytest.raises(ConflictError), unit_of_work():
        review.approve(reviewer, plan.id)  # not submitted
    with pytest.raises(PermissionDenied), unit_of_work():
        review.submit(reviewer, plan.id)  # reviewers do not submit
    incomplete = make_plan(owner)
    with pytest.raises(InvalidInput) as caught, unit_of_work():
        review.submit(owner, incomplete.id)
    assert set(caught.value.errors["answers"]) == {"t-desc", "t-personal"}
    with unit_of_work():
        review.submit(owner, plan.id)
    with pytest.raises(PermissionDenied), unit_of_work():
        review.approve(coauthor, plan.id)  # authors do not approve their own plan
    with pytest.raises(InvalidInput), unit_of_work():
        review.return_plan(reviewer, plan.id, [])  # say what must change
    _c, curator, _h = create_user("curator")
    with unit_of_work():
        review.approve(curator, plan.id)  # curators review every plan


def test_snapshots_are_immutable_records_of_each_submission_and_diff(team, create_dataset):
    plan, owner, _coauthor, reviewer = team()
    dataset = create_dataset(title={"nb": "Sjøfugltellinger", "en": "Seabird counts"})
    with unit_of_work():
        review.submit(owner, plan.id)
        review.return_plan(reviewer, plan.id, [{"question_key": "t-desc", "text": "Mer detaljer."}])
    with unit_of_work():
        answers = {a.question_key: a for a in plan_service.read(owner, plan.id).answers}
        plan_service.save_answer(owner, plan.id, "t-desc", "Tellinger av hekkende sjøfugl, 2026-2028",
                                 answers["t-desc"].version)
        plan_service.save_answer(owner, plan.id, "t-volume", 2, None)
        plan_service.save_answer(owner, plan.id, "t-personal", True, answers["t-personal"].version)
        plan_service.save_answer(owner, plan.id, "t-basis", "Samtykke", None)
        plan_service.add_dataset(owner, plan.id, dataset.id)
        review.submit(owner, plan.id)
    first = review.snapshot(owner, plan.id, 1)
    assert [q["display"] for s in first.content["sections"] for q in s["questions"] if q["key"] == "t-desc"] == [
        "Tellinger av hekkende sjøfugl"]  # the first snapshot still shows what was submitted then
    result = review.diff(owner, plan.id, 1, 2)
    changes = {q["key"]: (q["change"], q["old"], q["new"]) for q in result["questions"]}
    assert changes == {
        "t-desc": ("changed", "Tellinger av hekkende sjøfugl", "Tellinger av hekkende sjøfugl, 2026-2028"),
        "t-datasets": ("added", None, "Sjøfugltellinger"),
        "t-volume": ("added", None, "2"),
        "t-personal": ("changed", "Nei", "Ja"),
        "t-basis": ("added", None, "Samtykke"),
    }
    assert result["datasets"] == {"added": ["Sjøfugltellinger"], "removed": []}
    reverse = review.diff(owner, plan.id, 2, 1)
    assert {q["key"]: q["change"] for q in reverse["questions"]}["t-basis"] == "removed"


def test_a_plan_without_reviewer_goes_to_the_curators(make_plan, create_user, smtp_sink):
    _o, owner, _h = create_user("researcher")
    _c, curator, _h2 = create_user("curator")
    plan = make_plan(owner, language="en")
    with unit_of_work():
        plan_service.save_answer(owner, plan.id, "t-desc", "Counts", None)
        plan_service.save_answer(owner, plan.id, "t-personal", False, None)
        review.submit(owner, plan.id)
    messages = _wait_for(smtp_sink, 1)
    assert [rcpts for rcpts, _m in messages] == [sorted(_emails(curator))]


def test_mail_and_next_session_follow_the_language_a_user_chose(app, team, smtp_sink):
    """A signed-in user who switches to English gets English e-mail about a bokmål plan (the others
    still get bokmål), and their next session starts in English."""
    from dmp_registry.auth.models import User
    from dmp_registry.core.db import db

    from ..web.conftest import page_csrf

    plan, owner, coauthor, reviewer = team("nb")
    username = db.session.get(User, reviewer.user_id).username

    def signed_in():
        client = app.test_client()
        response = client.post("/login", data={"username": username, "password": "a-long-password",
                                               "csrf_token": page_csrf(client)})
        assert response.status_code == 303
        return client

    version = db.session.get(User, reviewer.user_id).version
    assert signed_in().get("/language/en?next=/").status_code == 303
    db.session.expire_all()
    user = db.session.get(User, reviewer.user_id)
    assert user.language == "en" and user.version == version  # a preference: an admin's edit stays valid
    with unit_of_work():
        review.submit(owner, plan.id)
    languages = {rcpts[0]: m["Content-Language"] for rcpts, m in _wait_for(smtp_sink, 2)}
    assert languages == {_emails(reviewer).pop(): "en", _emails(coauthor).pop(): "nb"}
    assert '<html lang="en"' in signed_in().get("/").get_data(as_text=True)


def test_a_language_chosen_before_signing_in_is_kept_on_the_account(app, team):
    from dmp_registry.auth.models import User
    from dmp_registry.core.db import db

    from ..web.conftest import page_csrf

    _plan, _owner, coauthor, _reviewer = team("nb")
    client = app.test_client()
    assert client.get("/language/en?next=/").status_code == 303  # not signed in yet: the session only
    response = client.post("/login", data={"username": db.session.get(User, coauthor.user_id).username,
                                           "password": "a-long-password", "csrf_token": page_csrf(client)})
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(User, coauthor.user_id).language == "en"
    assert '<html lang="en"' in client.get("/").get_data(as_text=True)
