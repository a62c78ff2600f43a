"""The plan as a document (what a snapshot freezes and the HTML/PDF print), and the diff of two snapshots."""
from __future__ import annotations

from ..vocabularies.models import pick_label
from .completeness import answer_values, completeness_of, iter_questions, visible_keys
from .facts import plan_dataset_facts, total_storage_cost

YES_NO = {"nb": ("Ja", "Nei"), "nn": ("Ja", "Nei"), "en": ("Yes", "No")}


def display_answer(question: dict, value, lang: str, dataset_titles: dict | None = None) -> str:
    """An answer as text for people (snapshots, print, diff)."""
    from ..vocabularies.service import concept_cache

    if value is None or value == "" or value == []:
        return ""
    kind = question.get("type")
    if kind == "yesno":
        yes, no = YES_NO.get(lang, YES_NO["en"])
        return yes if value else no
    if kind == "choice":
        for option in question.get("options") or []:
            if option["value"] == value:
                return pick_label(option.get("label") or {}, lang) or value
        info = concept_cache.get(value)
        return info.label(lang) if info else str(value)
    if kind == "datasets":
        titles = dataset_titles or {}
        return "\n".join(titles.get(str(i), str(i)) for i in value)
    if kind == "number" and isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def render_content(plan, identity=None, lang: str | None = None) -> dict:
    """The plan as its readers see it now: shown questions with answers, datasets with registry facts."""
    from .service import plan_uri

    lang = lang or plan.language
    version = plan.template_version
    values = answer_values(plan)
    shown = visible_keys(version.content, values)
    datasets = plan_dataset_facts(identity, plan, lang)
    titles = {d["id"]: d.get("title") or "" for d in datasets}
    sections = []
    for section in version.content.get("sections", []):
        questions = [{
            "key": q["key"], "text": q.get("text") or {}, "type": q["type"], "required": bool(q.get("required")),
            "madmp_path": q.get("madmp_path"), "value": values.get(q["key"]),
            "display": display_answer(q, values.get(q["key"]), lang, titles),
        } for q in section.get("questions", []) if q["key"] in shown]
        sections.append({"key": section["key"], "title": section.get("title") or {}, "questions": questions})
    project = plan.project
    return {
        "id": str(plan.id), "uri": plan_uri(plan.id), "title": plan.title, "language": plan.language,
        "status": plan.status, "dmp_identifier": plan.dmp_identifier,
        "project": {"id": str(project.id), "title": dict(project.title or {}), "funder": project.funder,
                    "grant_id": project.grant_id,
                    "start_date": project.start_date.isoformat() if project.start_date else None,
                    "end_date": project.end_date.isoformat() if project.end_date else None},
        "template": {"key": version.template.key, "title": dict(version.template.title or {}),
                     "version_id": str(version.id), "number": version.number},
        "contributors": [{"person_id": str(c.person_id), "name": c.person.name, "email": c.person.email,
                          "orcid": c.person.orcid, "role": c.role} for c in plan.contributors],
        "sections": sections,
        "datasets": datasets,
        "storage_cost_per_year": total_storage_cost(datasets),
        "completeness": completeness_of(version.content, values),
    }


def content_for_reader(identity, content: dict) -> dict:
    """A frozen content (a snapshot's) as `identity` may see it: datasets it may not read now (or that left the
    registry, unless it sees every dataset) keep only their id, as plan_dataset_facts does for the live plan.
    Returns a copy; the stored snapshot never changes."""
    import copy
    import uuid

    from ..core.db import db
    from ..datasets.models import Dataset
    from ..datasets.permissions import DatasetPolicy

    if identity is None:
        return content
    policy = DatasetPolicy()

    def may_see(facts) -> bool:
        try:
            dataset = db.session.get(Dataset, uuid.UUID(str(facts.get("id"))))
        except ValueError:
            dataset = None
        return policy.can_read(identity, dataset) if dataset is not None else policy.sees_all(identity)

    datasets = content.get("datasets") or []
    hidden = {d.get("id") for d in datasets if not d.get("hidden") and not may_see(d)}
    if not hidden:
        return content
    out = copy.deepcopy(content)
    out["datasets"] = [{"id": d["id"], "hidden": True} if d.get("id") in hidden else d for d in out["datasets"]]
    titles = {d["id"]: d.get("title") or "" for d in out["datasets"]}
    lang = out.get("language") or "nb"
    for section in out.get("sections", []):
        for question in section.get("questions", []):
            if question.get("type") == "datasets":
                question["display"] = display_answer(question, question.get("value"), lang, titles)
    out["storage_cost_per_year"] = total_storage_cost(out["datasets"])
    return out


def _questions(content: dict) -> dict:
    return {q["key"]: (section["key"], q) for section, q in iter_questions(content)}


def diff_contents(old: dict, new: dict) -> dict:
    """Per question: added (answered only in `new`), removed (only in `old`) or changed, with old/new text."""
    before, after = _questions(old), _questions(new)
    questions = []
    order = list(after) + [k for k in before if k not in after]
    for key in order:
        old_text = (before.get(key, (None, {}))[1].get("display") or "") if key in before else ""
        new_text = (after.get(key, (None, {}))[1].get("display") or "") if key in after else ""
        if old_text == new_text:
            continue
        change = "added" if not old_text else "removed" if not new_text else "changed"
        section, question = after.get(key) or before.get(key)
        questions.append({"key": key, "section": section, "text": question.get("text") or {}, "change": change,
                          "old": old_text or None, "new": new_text or None})
    old_sets = {d["id"]: d.get("title") or d["id"] for d in old.get("datasets", [])}
    new_sets = {d["id"]: d.get("title") or d["id"] for d in new.get("datasets", [])}
    plan_fields = {name: [old.get(name), new.get(name)] for name in ("title", "language", "dmp_identifier")
                   if old.get(name) != new.get(name)}
    if old.get("template", {}).get("number") != new.get("template", {}).get("number"):
        plan_fields["template_version"] = [old.get("template", {}).get("number"), new.get("template", {}).get("number")]
    return {"questions": questions,
            "datasets": {"added": [new_sets[i] for i in new_sets if i not in old_sets],
                         "removed": [old_sets[i] for i in old_sets if i not in new_sets]},
            "fields": plan_fields}
