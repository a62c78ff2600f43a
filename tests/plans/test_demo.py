"""The demo data: an approved plan with a snapshot and a draft, both linked to demo datasets."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from dmp_registry.core.db import db
from dmp_registry.core.uow import unit_of_work
from dmp_registry.plans.completeness import completeness
from dmp_registry.plans.models import Plan


def test_demo_plans(app):
    from dmp_registry.demo import load_demo

    with unit_of_work():
        counts = load_demo(dt.date(2026, 11, 23))
    assert counts["plans"] == 2 and counts["plan templates"] == 3
    plans = {p.title: p for p in db.session.scalars(select(Plan))}
    approved = plans["Datahåndteringsplan for Fjellfugl i endring"]
    draft = plans["DMP for utgravingene på Hov"]
    assert approved.status == "approved" and [s.number for s in approved.snapshots] == [1]
    assert completeness(approved)["complete"] is True
    assert draft.status == "draft" and not completeness(draft)["complete"]
    assert len(approved.dataset_links) == 2 and len(draft.dataset_links) == 2
    assert {c.role for c in approved.contributors} == {"owner", "reviewer"}
