"""Languages: the visitor's choice (kept in the session) or bokmål; formatting of labels, dates and numbers.

Metadata stored per language ({"nb": ..., "en": ...}) is shown in the page language with the
fallback of `pick_label` (chosen → nb → nn → en → any)."""
from __future__ import annotations

import datetime as dt

from flask import current_app, request, session
from flask_babel import Babel, format_date, format_datetime, format_decimal, get_locale, gettext

from ..vocabularies.models import pick_label
from ..vocabularies.service import concept_cache

babel = Babel()
#: Each language named in itself (shown in the language switch with a lang attribute, never translated).
LANGUAGE_NAMES = {"nb": "Norsk (bokmål)", "nn": "Norsk (nynorsk)", "en": "English"}


def init_app(app) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", app.config["DMP_LANGUAGES"][0])
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", app.config["DMP_TIMEZONE"])
    babel.init_app(app, locale_selector=select_language)
    app.jinja_env.globals.update(lang=current_language, text=text, text_lang=text_lang, concept_label=concept_label,
                                 languages=lambda: current_app.config["DMP_LANGUAGES"], language_names=LANGUAGE_NAMES,
                                 message=message)
    app.jinja_env.filters.update(date=show_date, datetime=show_datetime, number=show_number, bytes=show_bytes)


def select_language() -> str:
    languages = current_app.config["DMP_LANGUAGES"]
    chosen = session.get("lang") if request else None
    return chosen if chosen in languages else languages[0]


def current_language() -> str:
    return str(get_locale() or current_app.config["DMP_LANGUAGES"][0])


def text(value: dict | None) -> str:
    """Multilingual text in the page language, with fallback."""
    return pick_label(value or {}, current_language()) or ""


def text_lang(value: dict | None) -> str | None:
    """The language `text(value)` picked (for a lang attribute when it differs from the page)."""
    if not value:
        return None
    for candidate in (current_language(), "nb", "nn", "en"):
        if value.get(candidate):
            return candidate
    return next(iter(value), None)


def message(text_: str) -> str:
    """A message from a service or a schema in the page language when the catalogue has it.
    Returns a plain str, so Jinja escapes it (unlike `_()`, which marks its result safe)."""
    return str(gettext(text_)) if "%" not in text_ else text_


def concept_label(uri: str | None) -> str:
    info = concept_cache.get(uri)
    if info is None:
        return uri or ""
    return info.label(current_language())


def show_date(value: dt.date | None, style: str = "medium") -> str:
    return format_date(value, style) if value else ""


def show_datetime(value: dt.datetime | None, style: str = "medium") -> str:
    return format_datetime(value, style) if value else ""


def show_number(value) -> str:
    return format_decimal(value) if value is not None else ""


def show_bytes(value: int | None) -> str:
    """1 536 000 → "1,5 MB" (decimal units, number in the locale's format)."""
    if value is None:
        return ""
    size, unit = float(value), "B"
    for unit in ("B", "kB", "MB", "GB", "TB", "PB"):
        if size < 1000 or unit == "PB":
            break
        size /= 1000
    pattern = "#,##0" if unit == "B" else "#,##0.#"
    return f"{format_decimal(size, format=pattern)}\u00a0{unit}"
