"""Load SKOS Turtle files listed in vocabularies/manifest.yaml: read → transform → upsert.

Idempotent by URI. Concepts that disappear from a file are marked deprecated, never deleted,
because records may still point at them. All problems of a file are collected and reported.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, SKOS

from ..core.db import db
from .models import Concept, ConceptScheme


@dataclass
class LoadReport:
    scheme: str
    created: int = 0
    updated: int = 0
    deprecated: int = 0
    errors: list[str] = field(default_factory=list)


def read_manifest(vocab_dir: Path) -> dict:
    with open(vocab_dir / "manifest.yaml", encoding="utf-8") as fh:
        return yaml.safe_load(fh)["schemes"]


def ordered_schemes(manifest: dict, only: list[str] | None = None) -> list[str]:
    """Scheme ids in dependency order (depends_on first)."""
    done: list[str] = []

    def visit(scheme_id, path=()):
        if scheme_id in done:
            return
        if scheme_id in path:
            raise ValueError(f"vocabulary dependency cycle: {' -> '.join(path + (scheme_id,))}")
        for dep in manifest[scheme_id].get("depends_on") or []:
            visit(dep, path + (scheme_id,))
        done.append(scheme_id)

    for scheme_id in only or manifest:
        if scheme_id not in manifest:
            raise KeyError(f"unknown vocabulary scheme {scheme_id!r}")
        visit(scheme_id)
    return done


def _langs(graph: Graph, subject, predicate) -> dict:
    out: dict = {}
    for obj in graph.objects(subject, predicate):
        if isinstance(obj, Literal) and obj.language:
            out.setdefault(obj.language.lower(), str(obj))
    return out


def _alt_langs(graph: Graph, subject) -> dict:
    out: dict = {}
    for obj in graph.objects(subject, SKOS.altLabel):
        if isinstance(obj, Literal):
            out.setdefault((obj.language or "und").lower(), []).append(str(obj))
    return {lang: sorted(values) for lang, values in sorted(out.items())}


def transform(graph: Graph, scheme_uri: str) -> tuple[list[dict], list[str]]:
    """Graph → concept rows for one scheme, plus per-concept errors."""
    rows, errors = [], []
    scheme = URIRef(scheme_uri)
    for subject in sorted(set(graph.subjects(RDF.type, SKOS.Concept))):
        if scheme not in set(graph.objects(subject, SKOS.inScheme)):
            continue
        labels = _langs(graph, subject, SKOS.prefLabel)
        missing = [lang for lang in ("nb", "en") if lang not in labels]
        if missing:
            errors.append(f"{subject}: no prefLabel in {', '.join(missing)}")
            continue
        broader = next(iter(graph.objects(subject, SKOS.broader)), None)
        notation = next(iter(graph.objects(subject, SKOS.notation)), None)
        rows.append({
            "uri": str(subject),
            "notation": str(notation) if notation is not None else None,
            "pref_label": labels,
            "alt_labels": _alt_langs(graph, subject),
            "definition": _langs(graph, subject, SKOS.definition),
            "broader": str(broader) if broader is not None else None,
            "exact_match": sorted(str(o) for o in graph.objects(subject, SKOS.exactMatch)),
            "deprecated": (subject, OWL.deprecated, Literal(True)) in graph,
        })
    if not rows and not errors:
        errors.append(f"no skos:Concept in scheme {scheme_uri}")
    return rows, errors


def upsert(scheme_id: str, meta: dict, rows: list[dict], report: LoadReport) -> None:
    session = db.session
    scheme = session.get(ConceptScheme, scheme_id) or ConceptScheme(id=scheme_id)
    scheme.uri, scheme.title = meta["uri"], meta.get("title") or {}
    scheme.source, scheme.licence = meta.get("source"), meta.get("licence")
    session.add(scheme)
    session.flush()
    existing = {c.uri: c for c in session.query(Concept).filter_by(scheme_id=scheme_id)}
    for row in rows:
        concept = existing.pop(row["uri"], None)
        if concept is None:
            session.add(Concept(scheme_id=scheme_id, **row))
            report.created += 1
        elif any(getattr(concept, k) != v for k, v in row.items()):
            for key, value in row.items():
                setattr(concept, key, value)
            report.updated += 1
    for concept in existing.values():
        if not concept.deprecated:
            concept.deprecated = True
            report.deprecated += 1
    session.flush()


def load(vocab_dir: Path, only: list[str] | None = None, dry_run: bool = False, progress=None) -> list[LoadReport]:
    """Load the given schemes (all by default). With dry_run nothing is written."""
    manifest = read_manifest(vocab_dir)
    reports = []
    for scheme_id in ordered_schemes(manifest, only):
        meta = manifest[scheme_id]
        report = LoadReport(scheme_id)
        graph = Graph()
        try:
            graph.parse(vocab_dir / meta["file"], format="turtle")
        except Exception as exc:  # a broken file is reported, the others still load
            report.errors.append(f"{meta['file']}: {exc}")
            reports.append(report)
            continue
        rows, report.errors = transform(graph, meta["uri"])
        if not dry_run:
            upsert(scheme_id, meta, rows, report)
        else:
            report.created = len(rows)
        reports.append(report)
        if progress:
            progress(scheme_id)
    from .service import concept_cache

    concept_cache.invalidate()
    return reports
