"""Template admin pages (admin role): templates and their versions, a new draft version (a copy of the
newest), the draft's sections and questions in one form, and publishing (a published version is
read-only from then on). Views join the `plan_pages` blueprint."""
from __future__ import annotations

import copy
import re

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from ..core.errors import ConflictError, InvalidInput, PermissionDenied
from ..core.uow import unit_of_work
from ..plans.service import template_service, template_version_service
from .forms import flatten_errors
from .plans import bp, signed_in

QUESTION_TYPES = ("text", "richtext", "choice", "yesno", "date", "number", "datasets")
LANGS = ("nb", "en")


def admin_identity():
    identity = signed_in()
    if not identity.has_role("admin"):
        raise PermissionDenied()
    return identity


@bp.get("/templates/", endpoint="templates")
def template_list():
    identity = admin_identity()
    page = template_service.search(identity, {"page": 1, "per_page": 100})
    return render_template("plans/templates.html", templates=page.items)


@bp.get("/templates/<uuid:template_id>", endpoint="template")
def template_detail(template_id):
    identity = admin_identity()
    template = template_service.read(identity, template_id)
    return render_template("plans/template.html", template=template)


@bp.post("/templates/<uuid:template_id>/drafts", endpoint="new_draft")
def new_draft(template_id):
    identity = admin_identity()
    try:
        with unit_of_work():
            draft = template_version_service.create(identity, {"template_id": template_id})
    except ConflictError as exc:
        flash(_("No new draft: %(problem)s", problem=exc.message), "error")
        return redirect(url_for(".template", template_id=template_id), 303)
    flash(_("Draft version %(n)s was created as a copy of the newest version.", n=draft.number), "success")
    return redirect(url_for(".template_version", version_id=draft.id), 303)


# ---- one version: read-only when published, a form while it is a draft ---------------------------
@bp.route("/templates/versions/<uuid:version_id>", methods=["GET", "POST"], endpoint="template_version")
def template_version(version_id):
    identity = admin_identity()
    service = template_version_service
    version = service.read(identity, version_id)
    if request.method == "GET" or version.status != "draft":
        if request.method == "POST":
            flash(_("Version %(n)s is published and cannot change; create a new draft.", n=version.number), "error")
            return redirect(url_for(".template_version", version_id=version_id), 303)
        return render_version(version, content_to_form(version.content))
    submitted = request.form.copy()
    content, places = form_to_content(submitted, version.content)
    try:
        with unit_of_work():
            service.update(identity, version_id, {"content": content}, submitted.get("version", type=int))
    except InvalidInput as exc:
        return render_version(version, submitted, field_errors(exc.errors, places), 422)
    except ConflictError:
        current = service.read(identity, version_id)
        submitted["version"] = str(current.version)
        return render_version(current, submitted, {}, 409, stale=True)
    flash(_("The draft was saved."), "success")
    anchor = request.form.get("action") == "add" and "new-question" or None
    return redirect(url_for(".template_version", version_id=version_id, _anchor=anchor), 303)


@bp.post("/templates/versions/<uuid:version_id>/publish", endpoint="publish_version")
def publish_version(version_id):
    identity = admin_identity()
    try:
        with unit_of_work():
            template_version_service.publish(identity, version_id, request.form.get("version", type=int))
    except (InvalidInput, ConflictError) as exc:
        problems = [m for ms in flatten_errors(exc.errors or {}).values() for m in ms] if exc.errors else [exc.message]
        for problem in problems:
            flash(_("Not published: %(problem)s", problem=problem), "error")
        return redirect(url_for(".template_version", version_id=version_id), 303)
    flash(_("The version was published. It can no longer change; plans can now start on it."), "success")
    return redirect(url_for(".template_version", version_id=version_id), 303)


def render_version(version, values: MultiDict, errors=None, status=200, stale=False):
    values.setdefault("version", str(version.version))
    return render_template("plans/template_version.html", version=version, template=version.template, form=values,
                           errors=errors or {}, errors_under=errors_under, sections=form_rows(values),
                           types=QUESTION_TYPES, stale=stale), status


# ---- content ↔ form -------------------------------------------------------------------------
def _put_lang(form: MultiDict, name: str, value) -> None:
    for lang in LANGS:
        if (value or {}).get(lang):
            form[f"{name}.{lang}"] = value[lang]


def content_to_form(content: dict) -> MultiDict:
    form = MultiDict()
    for i, section in enumerate((content or {}).get("sections") or []):
        p = f"s.{i}."
        form[p + "key"] = section.get("key", "")
        _put_lang(form, p + "title", section.get("title"))
        _put_lang(form, p + "guidance", section.get("guidance"))
        for j, question in enumerate(section.get("questions") or []):
            q = f"{p}q.{j}."
            form[q + "key"] = question.get("key", "")
            form[q + "type"] = question.get("type", "text")
            for name in ("text", "help", "guidance"):
                _put_lang(form, q + name, question.get(name))
            form[q + "scheme"] = question.get("scheme") or ""
            form[q + "options"] = "\n".join(_option_line(o) for o in question.get("options") or [])
            if question.get("required"):
                form[q + "required"] = "1"
            condition = question.get("condition") or {}
            form[q + "cond_question"] = condition.get("question", "")
            form[q + "cond_equals"] = _equals_text(condition.get("equals")) if condition else ""
            form[q + "madmp_path"] = question.get("madmp_path") or ""
    return form


def _option_line(option: dict) -> str:
    label = option.get("label") or {}
    return " | ".join([str(option.get("value", "")), label.get("nb", ""), label.get("en", "")]).rstrip(" |")


def _equals_text(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "" if value is None else str(value)


def _equals_value(text: str):
    text = text.strip()
    if text.lower() in ("yes", "true", "ja"):
        return True
    if text.lower() in ("no", "false", "nei"):
        return False
    if re.fullmatch(r"-?[0-9]{1,15}", text):
        return int(text)
    return text


def _indices(form: MultiDict, pattern: str) -> list[int]:
    """Row numbers in the form's field names; `pattern`'s (\\d+) matches only short ASCII numbers."""
    pattern = pattern.replace(r"(\d+)", r"([0-9]{1,6})")
    found = {int(m.group(1)) for key in form.keys() if (m := re.fullmatch(pattern, key))}
    return sorted(found)


def _lang(form: MultiDict, name: str, original: dict | None) -> dict | None:
    value = {k: v for k, v in (original or {}).items() if k not in LANGS}  # keep nynorsk, which the form lacks
    value.update({lang: form.get(f"{name}.{lang}", "").strip() for lang in LANGS if form.get(f"{name}.{lang}", "").strip()})
    return value or None


def form_to_content(form: MultiDict, original: dict) -> tuple[dict, dict]:
    """The questionnaire from the form (blank new rows and rows marked "remove" left out), plus where
    each section/question came from in the form, to put the service's messages next to the right field."""
    old_sections = {s.get("key"): s for s in (original or {}).get("sections") or []}
    old_questions = {q.get("key"): q for s in old_sections.values() for q in s.get("questions") or []}
    sections, places = [], {}
    for i in _indices(form, r"s\.(\d+)\.key"):
        p = f"s.{i}."
        key = form.get(p + "key", "").strip()
        if form.get(p + "remove") or (not key and not _lang(form, p + "title", None)):
            continue
        section = copy.deepcopy(old_sections.get(key) or {})
        section.update(key=key, title=_lang(form, p + "title", section.get("title")) or {},
                       guidance=_lang(form, p + "guidance", section.get("guidance")), questions=[])
        places[f"sections.{len(sections)}"] = p.rstrip(".")
        for j in _indices(form, rf"s\.{i}\.q\.(\d+)\.key"):
            question = _question(form, f"{p}q.{j}.", old_questions)
            if question is not None:
                places[f"sections.{len(sections)}.questions.{len(section['questions'])}"] = f"{p}q.{j}"
                section["questions"].append(question)
        sections.append(section)
    return {"sections": sections}, places


def _question(form: MultiDict, q: str, old_questions: dict) -> dict | None:
    key = form.get(q + "key", "").strip()
    if form.get(q + "remove") or (not key and not _lang(form, q + "text", None)):
        return None
    question = copy.deepcopy(old_questions.get(key) or {})
    kind = form.get(q + "type") or "text"
    question.update(key=key, type=kind, text=_lang(form, q + "text", question.get("text")) or {},
                    help=_lang(form, q + "help", question.get("help")),
                    guidance=_lang(form, q + "guidance", question.get("guidance")),
                    required=bool(form.get(q + "required")),
                    scheme=form.get(q + "scheme", "").strip() or None,
                    options=_options(form.get(q + "options", "")) or None,
                    madmp_path=form.get(q + "madmp_path", "").strip() or None)
    on = form.get(q + "cond_question", "").strip()
    question["condition"] = {"question": on, "equals": _equals_value(form.get(q + "cond_equals", ""))} if on else None
    return question


def _options(text: str) -> list[dict]:
    """One option a line: "value | label nb | label en"."""
    out = []
    for line in text.splitlines():
        parts = [p.strip() for p in line.split("|")]
        if not parts or not parts[0]:
            continue
        label = {lang: part for lang, part in zip(LANGS, parts[1:3]) if part} or {"nb": parts[0]}
        out.append({"value": parts[0], "label": label})
    return out


def field_errors(errors, places: dict) -> dict[str, list[str]]:
    """Service messages keyed by form name prefix ("s.0.q.2.key"); general ones under "_form"."""
    out: dict[str, list[str]] = {}
    for name, messages in flatten_errors(errors or {}).items():
        name = name.removeprefix("content").lstrip(".")
        target = "_form"
        match = re.match(r"(sections\.\d+(?:\.questions\.\d+)?)(?:\.(.*))?$", name)
        if match and match.group(1) in places:
            target = places[match.group(1)] + ("." + match.group(2) if match.group(2) else "")
        out.setdefault(target, []).extend(messages)
    return out


def errors_under(errors: dict, prefix: str, own_only: bool = False) -> list[str]:
    """Messages for a row: its own fields (and, unless own_only, its questions')."""
    out = []
    for name, messages in errors.items():
        if name == prefix or name.startswith(prefix + "."):
            rest = name[len(prefix) + 1:]
            if own_only and rest.startswith("q."):
                continue
            out.extend(f"{rest}: {m}" if rest else m for m in messages)
    return out


def form_rows(form: MultiDict) -> list[dict]:
    """Sections and questions to render: those in the form plus one blank question per section and a
    blank section, so an admin adds rows without JavaScript."""
    rows = []
    section_ids = _indices(form, r"s\.(\d+)\.key")
    for i in section_ids:
        questions = _indices(form, rf"s\.{i}\.q\.(\d+)\.key")
        rows.append({"i": i, "questions": questions + [max(questions, default=-1) + 1], "new": False})
    rows.append({"i": max(section_ids, default=-1) + 1, "questions": [0], "new": True})
    return rows
