"""Triples → an rdflib Graph: the reference the fast writers are tested against, and the input of
SHACL validation and of the import round trip."""
from __future__ import annotations

from typing import Iterable

from rdflib import BNode, Graph, Literal, URIRef

from .namespaces import PREFIXES
from .terms import Blank, Lit


def term(value):
    if isinstance(value, Lit):
        return Literal(value.value, lang=value.lang, datatype=URIRef(value.datatype) if value.datatype else None)
    if isinstance(value, Blank):
        return BNode(value)
    return URIRef(value)


def to_graph(chunks: Iterable[list]) -> Graph:
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    for chunk in chunks:
        for s, p, o in chunk:
            graph.add((term(s), URIRef(p), term(o)))
    return graph
