"""Which questions a plan shows (conditions) and how complete it is (required questions answered).

A question with a `condition` is shown only when the answer to the named earlier question equals the
given value; a question hidden this way is neither required nor counted, and a question that depends
on a hidden question is hidden too. Questions of type "datasets" are answered by the plan's linked
registry datasets, not by a stored answer.
"""
from __future__ import annotations


def iter_questions(content: dict):
    """(section, question) pairs in template order."""
    for section in (content or {}).get("sections", []):
        for question in section.get("questions", []):
            yield section, question


def questions_by_key(content: dict) -> dict:
    return {q["key"]: q for _s, q in iter_questions(content)}


def is_answered(value) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, (list, dict)):
        return bool(value)
    return True  # booleans (False is an answer), numbers


def answer_values(plan) -> dict:
    """question key → value, with dataset questions answered by the plan's linked datasets."""
    values = {a.question_key: a.value for a in plan.answers}
    dataset_ids = [str(link.dataset_id) for link in plan.dataset_links]
    for _section, question in iter_questions(plan.template_version.content):
        if question.get("type") == "datasets":
            values[question["key"]] = dataset_ids
    return values


def visible_keys(content: dict, values: dict) -> set[str]:
    """Keys of the questions shown for these answers (conditions evaluated in template order)."""
    shown: set[str] = set()
    for _section, question in iter_questions(content):
        condition = question.get("condition")
        if not condition:
            shown.add(question["key"])
        elif condition["question"] in shown and _equals(values.get(condition["question"]), condition.get("equals")):
            shown.add(question["key"])
    return shown


def _equals(value, expected) -> bool:
    if isinstance(value, list) and not isinstance(expected, list):
        return expected in value
    return value == expected


def completeness(plan) -> dict:
    """{"required": n, "answered": m, "complete", "percent", "missing": [keys], "sections": [...]}:
    `answered` counts the required questions answered; each section also reports all its shown questions."""
    content = plan.template_version.content
    values = answer_values(plan)
    return completeness_of(content, values)


def completeness_of(content: dict, values: dict) -> dict:
    shown = visible_keys(content, values)
    sections, missing = [], []
    required_total = required_done = 0
    for section in content.get("sections", []):
        questions = [q for q in section.get("questions", []) if q["key"] in shown]
        answered = [q for q in questions if is_answered(values.get(q["key"]))]
        required = [q for q in questions if q.get("required")]
        required_answered = [q for q in required if is_answered(values.get(q["key"]))]
        section_missing = [q["key"] for q in required if q not in required_answered]
        missing += section_missing
        required_total += len(required)
        required_done += len(required_answered)
        sections.append({
            "key": section["key"], "title": section.get("title") or {}, "questions": len(questions),
            "answered": len(answered), "required": len(required), "required_answered": len(required_answered),
            "missing": section_missing, "percent": _percent(len(answered), len(questions)),
        })
    return {"required": required_total, "answered": required_done, "complete": not missing,
            "percent": _percent(required_done, required_total), "missing": missing, "sections": sections}


def _percent(done: int, total: int) -> int:
    return 100 if total == 0 else int(100 * done / total)
