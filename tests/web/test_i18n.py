"""Every UI string is translated: templates hold no bare text, and every message the code and
templates use is in the nb and en catalogues (freshly extracted, so a new string fails here)."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

PACKAGE = Path(__file__).resolve().parents[2] / "dmp_registry"
TEMPLATES = PACKAGE / "templates"
CATALOGUES = PACKAGE / "translations"
JINJA = re.compile(r"{{.*?}}|{%.*?%}|{#.*?#}", re.S)
TEXT_ATTRS = {"title", "alt", "placeholder", "aria-label", "data-confirm", "data-added", "data-template"}
# Not words of the UI: symbols and names that are the same in every language.
ALLOWED = {"–", "›", "…", "(", ")", ":", ",", "/", "ORCID"}


class _TextCollector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in TEXT_ATTRS and value and re.search(r"[A-Za-zÆØÅæøå]", value):
                self.found.append(f"{tag}[{name}]={value!r}")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        words = data.strip()
        if re.fullmatch(r'(\s*[\w-]+="[^"]*")+', words):  # attributes written by a macro, not text
            return
        if not self._skip and words and words not in ALLOWED and re.search(r"[A-Za-zÆØÅæøå]", words):
            self.found.append(repr(words))


def bare_text(source: str) -> list[str]:
    """Literal text left once every Jinja tag, expression and comment is taken out."""
    collector = _TextCollector()
    collector.feed(JINJA.sub(" ", source))
    return collector.found


def test_templates_have_no_untranslated_text():
    problems = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        problems += [f"{path.relative_to(PACKAGE)}: {item}" for item in bare_text(path.read_text(encoding="utf-8"))]
    assert not problems, "text outside _() in templates:\n" + "\n".join(problems)


def test_the_scan_finds_bare_text():
    found = bare_text('<p>{{ _("Fine") }}</p><p>Forgotten</p><input placeholder="Also">')
    assert found == ["'Forgotten'", "input[placeholder]='Also'"]


def _extracted_ids() -> set:
    method_map = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None, "N_": None}
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(str(PACKAGE), method_map, keywords=keywords):
        found.add(message if isinstance(message, str) else tuple(message))
    return found


def test_every_message_is_translated_in_nb_and_en():
    wanted = _extracted_ids()
    assert len(wanted) > 250
    for lang in ("nb", "en"):
        with open(CATALOGUES / lang / "LC_MESSAGES" / "messages.po", "rb") as handle:
            catalogue = read_po(handle, locale=lang)
        have = {}
        for entry in catalogue:
            if entry.id and not entry.fuzzy:
                strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
                if all(strings):
                    have[entry.id if isinstance(entry.id, str) else tuple(entry.id)] = entry
        missing = sorted(map(str, wanted - set(have)))
        assert not missing, f"not translated in {lang} (run the steps in docs/web.md, Translations): {missing}"


def test_compiled_catalogues_are_up_to_date():
    for lang in ("nb", "en"):
        po = CATALOGUES / lang / "LC_MESSAGES" / "messages.po"
        mo = po.with_suffix(".mo")
        assert mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime - 1, f"compile {po} (pybabel compile)"
