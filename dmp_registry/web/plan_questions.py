"""Template questions on the plan pages: answers as form values and back, readable answers,
conditions and the per-question state the editor renders. No Flask views here."""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field

from flask_babel import gettext as _
from markupsafe import Markup, escape

from ..plans.completeness import iter_questions, questions_by_key
from .forms import flatten_errors
from .i18n import concept_label, show_date, show_number, text

NO_VALUE = object()


# ---- the template's content ---------------------------------------------------------------
def sections_of(version) -> list[dict]:
    return list((version.content or {}).get("sections") or [])


def questions_of(version) -> list[dict]:
    return [q for _s, q in iter_questions(version.content)]


def question_index(version) -> dict[str, dict]:
    return questions_by_key(version.content)


def answered(value) -> bool:
    from ..plans.completeness import is_answered

    return is_answered(value)


# ---- answers ↔ form values -------------------------------------------------------------------
def form_name(key: str) -> str:
    return f"answer.{key}"


def to_form_values(question: dict, value) -> list[str]:
    """A stored answer as the strings its inputs hold."""
    if value is None:
        return []
    if question.get("type") == "yesno":
        return ["yes" if value else "no"]
    if isinstance(value, list):
        return [str(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return [str(int(value))]
    return [str(value)]


def parse_answer(question: dict, raw: list[str]):
    """Submitted strings → the answer value the service stores (it validates: 422 per question).
    A number that does not parse is passed on as typed so the service names the problem."""
    kind = question.get("type")
    values = [v.strip() for v in raw if v is not None]
    first = next((v for v in values if v), "")
    if kind == "datasets":
        return [v for v in values if v]
    if not first:
        return None
    if kind == "yesno":
        return {"yes": True, "no": False}.get(first, first)
    if kind == "number":
        if re.fullmatch(r"-?\d{1,300}", first):  # longer digit strings: Python refuses int() (and no answer is that big)
            return int(first)
        try:
            return float(first.replace(",", "."))
        except ValueError:
            return first
    if kind in ("text", "richtext"):
        return next((v for v in raw if v and v.strip()), "").replace("\r\n", "\n")
    return first


def error_messages(errors) -> list[str]:
    return [m for messages in flatten_errors(errors or {}).values() for m in messages]


# ---- showing answers -------------------------------------------------------------------------
def choice_options(question: dict, concept_options) -> list[tuple[str, str]]:
    """(value, label) of a choice question: its vocabulary, else its own options."""
    if question.get("scheme"):
        return concept_options(question["scheme"])
    out = []
    for option in question.get("options") or []:
        if isinstance(option, dict):
            out.append((str(option.get("value")), text(option.get("label")) or str(option.get("value"))))
        else:
            out.append((str(option), str(option)))
    return out


def answer_text(question: dict, value) -> str:
    """An answer as plain text in the page language ('' when unanswered)."""
    if not answered(value):
        return ""
    kind = question.get("type")
    if kind == "yesno":
        return _("Yes") if value is True else _("No") if value is False else str(value)
    if kind == "choice":
        for option in question.get("options") or []:
            if isinstance(option, dict) and str(option.get("value")) == str(value):
                return text(option.get("label")) or str(value)
        return concept_label(value) if str(value).startswith("http") else str(value)
    if kind == "date":
        try:
            return show_date(dt.date.fromisoformat(str(value)))
        except ValueError:
            return str(value)
    if kind == "number" and isinstance(value, (int, float)):
        return show_number(value)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def rich_text(value: str) -> Markup:
    """The editor's simple formatting as HTML: paragraphs, '- ' lists, **bold** and _italic_.
    Everything is escaped first, so only these few tags can appear."""
    blocks, out = re.split(r"\n\s*\n", str(value or "").strip()), []
    for block in blocks:
        lines = block.split("\n")
        if all(line.lstrip().startswith("- ") for line in lines if line.strip()):
            items = "".join(f"<li>{_inline(line.lstrip()[2:])}</li>" for line in lines if line.strip())
            out.append(f"<ul>{items}</ul>")
        elif block.strip():
            out.append(f"<p>{'<br>'.join(_inline(line) for line in lines)}</p>")
    return Markup("".join(out))


def _inline(line: str) -> str:
    html = str(escape(line))
    html = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", html)
    return re.sub(r"(?<![\w])_(.+?)_(?![\w])", r"<em>\1</em>", html)


# ---- what the editor renders per question ----------------------------------------------------
@dataclass
class QuestionState:
    question: dict
    values: list[str]  # what the inputs show (the user's input after a failed save)
    version: str = ""  # the answer's version the inputs are based on ("" = not answered yet)
    base: str = "[]"  # JSON of the values the page was rendered with, to tell changed from untouched
    errors: list[str] = field(default_factory=list)
    theirs: list[str] | None = None  # 409: the other person's saved values
    theirs_text: str = ""

    @property
    def key(self) -> str:
        return self.question["key"]

    @property
    def name(self) -> str:
        return form_name(self.key)

    @property
    def dom_id(self) -> str:
        return "q-" + re.sub(r"[^A-Za-z0-9_-]", "-", self.key)

    def first(self) -> str:
        return self.values[0] if self.values else ""


def state_for(question: dict, answer) -> QuestionState:
    values = to_form_values(question, answer.value if answer is not None else None)
    return QuestionState(question, values, str(answer.version) if answer is not None else "", json.dumps(values))


def condition_text(question: dict, index: dict) -> str:
    """'Only needed when the answer to “…” is “Yes”.' for a conditional question."""
    condition = question.get("condition") or {}
    source = index.get(condition.get("question"))
    if source is None:
        return ""
    return _("Only needed when the answer to “%(question)s” is “%(answer)s”.",
             question=text(source.get("text")), answer=answer_text(source, condition.get("equals")))
