"""maDMP import page: upload a JSON file (RDA DMP Common Standard 1.2, or DMPonline's RDA export), the
madmp engineer's importer creates the plan and its datasets, and the page shows the loss report
(every field dropped or coerced, with its JSON path). The export is a link on the plan page
(GET /api/v1/plans/<id>/madmp). Views join the `plan_pages` blueprint."""
from __future__ import annotations

import json

from flask import render_template, request

from ..core.errors import InvalidInput
from ..core.uow import unit_of_work
from ..plans.madmp import import_madmp
from ..plans.madmp_api import MAX_BODY as MADMP_MAX_BODY
from ..plans.service import plan_service
from .forms import flatten_errors
from .plans import _uuid_or_none, bp, signed_in
from .security import body_limit

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


@bp.route("/import", methods=["GET", "POST"], endpoint="import_madmp")
@body_limit(MADMP_MAX_BODY)  # the API's limit for the same documents
def import_page():
    identity = signed_in()
    plan_service.policy.require(identity, "create")
    if request.method == "GET":
        return render_template("plans/import.html", problems={}, form=request.form)
    upload = request.files.get("file")
    data, problem = read_upload(upload)
    if problem:
        return render_template("plans/import.html", problems={"file": [problem]}, form=request.form), 422
    try:
        with unit_of_work():
            result = import_madmp(identity, data, project_id=_uuid_or_none(request.form.get("project_id")))
            plan_id = result.plan.id
    except InvalidInput as exc:
        problems = flatten_errors(exc.errors or {}) or {"file": [exc.message]}
        return render_template("plans/import.html", problems=problems, form=request.form, summary=exc.message), 422
    plan = plan_service.read(identity, plan_id)
    return render_template("plans/imported.html", plan=plan, losses=result.losses, notes=result.notes,
                           source=result.source), 201


def read_upload(upload) -> tuple[object, str | None]:
    """(parsed JSON, None) or (None, what is wrong with the file)."""
    from flask_babel import gettext as _

    if upload is None or not upload.filename:
        return None, _("Choose a JSON file to import.")
    raw = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(raw) > MAX_UPLOAD_BYTES:
        return None, _("The file is larger than 5 MB.")
    try:
        return json.loads(raw.decode("utf-8-sig")), None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return None, _("The file is not valid JSON: %(problem)s", problem=str(exc))
    except RecursionError:  # JSON nested deeper than the parser goes
        return None, _("The file is not valid JSON: %(problem)s", problem="nested too deeply")
