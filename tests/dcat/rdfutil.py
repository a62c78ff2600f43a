"""Parse feed output with rdflib and with pyoxigraph into rdflib graphs, for isomorphism checks."""
from __future__ import annotations

import warnings

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDFLIB_FORMATS = {"ttl": "turtle", "nt": "nt", "rdf": "xml", "jsonld": "json-ld"}
OX_FORMATS = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "rdf": ox.RdfFormat.RDF_XML,
              "jsonld": ox.RdfFormat.STREAMING_JSON_LD}  # streaming: proves @context and @type come first


def parse_rdflib(text: str, ext: str) -> Graph:
    with warnings.catch_warnings():  # rdflib 7.6's JSON-LD parser still builds a ConjunctiveGraph
        warnings.filterwarnings("ignore", "ConjunctiveGraph is deprecated", DeprecationWarning)
        return Graph().parse(data=text, format=RDFLIB_FORMATS[ext])


def _term(t):
    if isinstance(t, ox.NamedNode):
        return URIRef(t.value)
    if isinstance(t, ox.BlankNode):
        return BNode(t.value)
    if t.language:
        return Literal(t.value, lang=t.language)
    if t.datatype.value == XSD_STRING:  # RDF 1.1: a plain literal is an xsd:string; rdflib leaves it untyped
        return Literal(t.value)
    return Literal(t.value, datatype=URIRef(t.datatype.value))


def parse_oxigraph(text: str, ext: str) -> Graph:
    """Straight from the parser into rdflib terms: no Store (it would rewrite literal datatypes)."""
    graph = Graph()
    for quad in ox.parse(text.encode("utf-8"), format=OX_FORMATS[ext]):
        graph.add((_term(quad.subject), _term(quad.predicate), _term(quad.object)))
    return graph
