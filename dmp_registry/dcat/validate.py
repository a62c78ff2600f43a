"""SHACL validation of a catalogue against the official shapes (pySHACL), with readable reports.

Shape sets are the unmodified reference copies in mappings/reference/shacl/ (see SOURCE.md there):
Digdir's DCAT-AP-NO 2.0 shapes and SEMIC's DCAT-AP 3.0.1 shapes."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rdflib import Graph, Namespace

SHACL_DIR = Path(__file__).resolve().parents[2] / "mappings" / "reference" / "shacl"
SHAPE_FILES = {
    "dcat-ap-no": ("dcat-ap-no/DCAT-AP-NO-shacl_shapes_2.00.ttl",),
    # imports.ttl / mdr_imports.ttl only hold owl:imports of remote ontologies: not loaded (no network)
    "dcat-ap": ("dcat-ap-3.0.1/shapes.ttl", "dcat-ap-3.0.1/range.ttl", "dcat-ap-3.0.1/mdr-vocabularies.shape.ttl",
                "dcat-ap-3.0.1/shapes_recommended.ttl", "dcat-ap-3.0.1/deprecateduris.ttl"),
}
SH = Namespace("http://www.w3.org/ns/shacl#")


@dataclass(frozen=True)
class Finding:
    severity: str  # Violation | Warning | Info
    focus: str
    path: str
    value: str
    message: str

    def __str__(self) -> str:
        return f"{self.severity}: {self.focus} {self.path}: {self.message}" + (f" (value {self.value})" if self.value else "")


@lru_cache(maxsize=None)
def shapes(shape_set: str) -> Graph:
    graph = Graph()
    for name in SHAPE_FILES[shape_set]:
        graph.parse(SHACL_DIR / name, format="turtle")
    return graph


def validate(data: Graph, shape_set: str) -> list[Finding]:
    """Every finding (violations and warnings) of `data` against one shape set, sorted."""
    from pyshacl import validate as shacl_validate

    _conforms, report, _text = shacl_validate(data, shacl_graph=shapes(shape_set), inference="none",
                                              advanced=True, allow_warnings=True, do_owl_imports=False)
    return sorted(_findings(report), key=lambda f: (f.severity != "Violation", f.focus, f.path, f.message))


def _findings(report: Graph):
    # Top-level results only: the nested sh:detail results of a Warning would otherwise read as Violations.
    for result in report.objects(None, SH.result):
        get = lambda p: report.value(result, p)  # noqa: E731
        severity = str(get(SH.resultSeverity) or "").rsplit("#", 1)[-1]
        path = get(SH.resultPath)
        yield Finding(severity, str(get(SH.focusNode)), report.namespace_manager.normalizeUri(path) if path else "",
                      str(get(SH.value) or ""), str(get(SH.resultMessage) or ""))


def violations(data: Graph, shape_set: str) -> list[Finding]:
    return [f for f in validate(data, shape_set) if f.severity == "Violation"]
