"""The home page and the language switch."""
from __future__ import annotations

from collections import Counter

from flask import Blueprint, abort, current_app, redirect, render_template, request, session
from sqlalchemy import func, select

from ..auth.current import current_identity
from ..auth.service import user_service
from ..core.db import db
from ..core.history import ChangeRecord
from ..core.uow import unit_of_work
from ..datasets.models import Dataset
from ..datasets.service import dataset_service
from .options import unit_names
from .security import safe_next

bp = Blueprint("site", __name__)
RECENT_CHANGES = 8


@bp.get("/", endpoint="home")
def home():
    identity = current_identity()
    visible = dataset_service.filtered(identity, {}).with_only_columns(
        Dataset.id, Dataset.unit_id, Dataset.dataset_type, Dataset.publication_status).subquery()
    counts, total = summary(visible)
    mine = dataset_service.search(identity, {"mine": True, "per_page": 10, "sort": "-updated"}) \
        if identity.is_authenticated else None
    return render_template("home.html", total=total, counts=counts, recent=recent_changes(visible),
                           mine=mine, units=unit_names())


def summary(visible) -> tuple[dict, int]:
    """Counts by unit, type and publication status of the visible datasets, in one scan."""
    by = {"unit": Counter(), "type": Counter(), "publication": Counter()}
    rows = db.session.execute(select(visible.c.unit_id, visible.c.dataset_type, visible.c.publication_status,
                                     func.count()).group_by(visible.c.unit_id, visible.c.dataset_type,
                                                            visible.c.publication_status))
    total = 0
    for unit_id, dataset_type, status, n in rows:
        total += n
        for key, value in (("unit", unit_id), ("type", dataset_type), ("publication", status)):
            if value is not None:
                by[key][value] += n
    return {key: counter.most_common() for key, counter in by.items()}, total


def recent_changes(visible, limit: int = RECENT_CHANGES):
    """The latest changes to datasets the visitor may see, with each dataset's title."""
    stmt = (select(ChangeRecord, Dataset.title)
            .join(visible, visible.c.id == ChangeRecord.entity_id)
            .join(Dataset, Dataset.id == ChangeRecord.entity_id)
            .where(ChangeRecord.entity_type == "dataset")
            .order_by(ChangeRecord.id.desc()).limit(limit))
    return db.session.execute(stmt).all()


@bp.get("/language/<code>", endpoint="language")
def set_language(code):
    if code not in current_app.config["DMP_LANGUAGES"]:
        abort(404)
    session["lang"] = code
    identity = current_identity()
    if identity.user_id is not None:  # kept on the account too: next session, e-mails
        with unit_of_work():
            user_service.remember_language(identity.user_id, code)
    return redirect(safe_next(request.args.get("next")), 303)
