"""Streaming RDF writers: triple chunks in, text pieces out, one subject run at a time.

The builders keep each subject's triples together (see build.py), so a chunk is written as runs of
consecutive triples with the same subject, in order: deterministic, and no hashing of millions of
triples. A subject may come back later (the catalogue node after every batch, a person who created
several datasets): all four formats allow a node to be described in several places, and parsers
merge them."""
from __future__ import annotations

import re
from itertools import groupby
from json.encoder import encode_basestring as json_str
from operator import itemgetter
from typing import Iterable, Iterator

from .namespaces import PREFIXES, RDF_TYPE
from .terms import Blank, Lit

MEDIA_TYPES = {"ttl": "text/turtle", "nt": "application/n-triples", "rdf": "application/rdf+xml",
               "jsonld": "application/ld+json"}
_IRI_BAD = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_STR_BAD = re.compile(r'[\x00-\x1f"\\]')
_XML_TEXT = re.compile(r'[&<>\r]')
_XML_ATTR = re.compile(r'[&<>"\r\n\t]')
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ESC = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_XML_ESC = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\r": "&#13;", "\n": "&#10;", "\t": "&#9;"}
_LOCAL = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


def _ns_split(iri: str) -> tuple[str, str] | None:
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and _LOCAL.match(iri[len(namespace):]):
            return prefix, iri[len(namespace):]
    return None


class _Names(dict):
    """iri → prefixed name (or None), memoised: predicates and classes repeat millions of times."""

    def __missing__(self, iri):
        split = _ns_split(iri)
        self[iri] = value = f"{split[0]}:{split[1]}" if split else None
        return value


def _runs(chunk: list):
    """(subject, iterator of its consecutive triples) for each run of one subject."""
    return groupby(chunk, _SUBJECT)


_SUBJECT = itemgetter(0)


def _released(parts: list) -> str:
    """The joined text of a chunk, its pieces freed before the text is encoded and sent (each writer
    also drops the chunk's triples before the next chunk is built): a chunk's triples, pieces, text
    and bytes are never all alive at once."""
    text = "".join(parts)
    parts.clear()
    return text


# ---- N-Triples / Turtle --------------------------------------------------------------------
def _iri(iri: str) -> str:
    if _IRI_BAD.search(iri):
        iri = _IRI_BAD.sub(lambda m: f"\\u{ord(m.group()):04X}", iri)
    return f"<{iri}>"


def _string(text: str) -> str:
    if _STR_BAD.search(text):
        text = _STR_BAD.sub(lambda m: _ESC.get(m.group(), f"\\u{ord(m.group()):04X}"), text)
    return f'"{text}"'


def _nt_term(value, names=None) -> str:
    if isinstance(value, Lit):
        if value.lang:
            return f"{_string(value.value)}@{value.lang}"
        if value.datatype:
            short = names[value.datatype] if names is not None else None
            return f"{_string(value.value)}^^{short or _iri(value.datatype)}"
        return _string(value.value)
    if isinstance(value, Blank):
        return f"_:{value}"
    return _iri(value)


class _Iris(dict):
    """IRI → "<iri>", memoised (predicates, datatypes): N-Triples has no prefixed names."""

    def __missing__(self, iri):
        self[iri] = text = _iri(iri)
        return text


def ntriples(chunks: Iterable[list]) -> Iterator[str]:
    preds = _Iris()
    terms = _Terms()
    iris = _Iris()
    for chunk in chunks:
        lines = []
        for subject, run in _runs(chunk):
            head = _nt_term(subject) + " "
            for _s, p, o in run:
                lines.append(f"{head}{preds[p]} {_literal(o, iris) if o.__class__ is Lit else terms[o]} .\n")
        yield _released(lines)
        del chunk


_TTL_SEP = " ;\n    "


class _Terms(dict):
    """IRI/blank node → its Turtle/N-Triples form, memoised for the first few thousand terms met:
    publishers, concepts and classes repeat, while most IRIs are met once. A bounded memo also keeps
    the heap small; a full one (hundreds of thousands of nodes) made every full garbage collection
    scan it and cost a third of the feed's time."""

    def __missing__(self, value):
        text = _nt_term(value)
        if len(self) < 4096:
            self[value] = text
        return text


class _Predicates(dict):
    """predicate → "prefixed-name " (or "<iri> "), Turtle's `a` for rdf:type."""

    def __init__(self):
        super().__init__()
        self.names = _Names({RDF_TYPE: "a"})

    def __missing__(self, iri):
        self[iri] = text = (self.names[iri] or _iri(iri)) + " "
        return text


def _literal(o: Lit, names) -> str:
    value, lang, datatype = o
    text = _string(value)
    if lang:
        return f"{text}@{lang}"
    if datatype:
        return f"{text}^^{names[datatype] or _iri(datatype)}"
    return text


def turtle(chunks: Iterable[list]) -> Iterator[str]:
    yield "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items()) + "\n"
    preds = _Predicates()
    names = preds.names
    terms = _Terms()
    for chunk in chunks:
        parts = []
        for subject, run in _runs(chunk):
            body = _TTL_SEP.join([preds[p] + (_literal(o, names) if o.__class__ is Lit else terms[o])
                                  for _s, p, o in run])
            parts.append(f"{_nt_term(subject)}\n    {body} .\n\n")
        yield _released(parts)
        del chunk


# ---- RDF/XML -------------------------------------------------------------------------------
_XML_SPECIAL = re.compile('[&<>"\r\n\t\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]')


def _xml(text: str, pattern=_XML_TEXT) -> str:
    if not _XML_SPECIAL.search(text):  # the common case: one scan, nothing to change
        return text
    text = _XML_INVALID.sub("", text)  # not representable in XML 1.0 at all
    return pattern.sub(lambda m: _XML_ESC[m.group()], text) if pattern.search(text) else text


def rdfxml(chunks: Iterable[list]) -> Iterator[str]:
    ns = "".join(f'\n   xmlns:{p}="{uri}"' for p, uri in PREFIXES.items())
    yield f'<?xml version="1.0" encoding="utf-8"?>\n<rdf:RDF{ns}>\n'
    names = _Names()
    for chunk in chunks:
        parts = []
        for subject, run in _runs(chunk):
            ref = f'rdf:nodeID="{subject}"' if isinstance(subject, Blank) else f'rdf:about="{_xml(subject, _XML_ATTR)}"'
            parts.append(f"  <rdf:Description {ref}>\n")
            for _s, p, o in run:
                tag = names[p]
                if tag is None:
                    raise ValueError(f"predicate {p} has no XML name: add its namespace to namespaces.PREFIXES")
                parts.append(f"    <{tag}{_xml_object(o, tag)}\n")
            parts.append("  </rdf:Description>\n")
        yield _released(parts)
        del chunk
    yield "</rdf:RDF>\n"


def _xml_object(o, tag: str) -> str:
    """The rest of a property element after `<tag`."""
    if isinstance(o, Lit):
        if o.lang:
            attrs = f' xml:lang="{o.lang}"'
        else:
            attrs = f' rdf:datatype="{_xml(o.datatype, _XML_ATTR)}"' if o.datatype else ""
        return f"{attrs}>{_xml(o.value)}</{tag}>"
    if isinstance(o, Blank):
        return f' rdf:nodeID="{o}"/>'
    return f' rdf:resource="{_xml(o, _XML_ATTR)}"/>'


# ---- JSON-LD -------------------------------------------------------------------------------
def jsonld(chunks: Iterable[list]) -> Iterator[str]:
    """@context first, then one node object per subject group, @type (then @id) first in each."""
    context = ", ".join(f'"{p}": "{uri}"' for p, uri in PREFIXES.items())
    yield '{"@context": {' + context + '},\n "@graph": ['
    names = _Names()
    first = True
    for chunk in chunks:
        parts = []
        for subject, run in _runs(chunk):
            parts.append(("\n  " if first else ",\n  ") + _node(subject, run, names))
            first = False
        yield _released(parts)
        del chunk
    yield "\n]}\n"


def _node(subject, run, names) -> str:
    props: dict = {}
    types = []
    for _s, p, o in run:
        if p == RDF_TYPE:
            types.append(json_str(o))
        else:
            props.setdefault(p, []).append(_json_value(o))
    sid = f"_:{subject}" if isinstance(subject, Blank) else subject
    # @type before @id: a streaming JSON-LD parser needs the type before anything it must interpret
    fields = [f'"@type": [{", ".join(types)}]'] if types else []
    fields.append(f'"@id": {json_str(sid)}')
    fields += [f'{json_str(names[p] or p)}: [{", ".join(values)}]' for p, values in props.items()]
    return "{" + ", ".join(fields) + "}"


def _json_value(o) -> str:
    if isinstance(o, Lit):
        if o.datatype and not o.lang:
            return f'{{"@type": {json_str(o.datatype)}, "@value": {json_str(o.value)}}}'
        extra = f', "@language": "{o.lang}"' if o.lang else ""
        return f'{{"@value": {json_str(o.value)}{extra}}}'
    if isinstance(o, Blank):
        return f'{{"@id": "_:{o}"}}'
    return f'{{"@id": {json_str(o)}}}'


WRITERS = {"ttl": turtle, "nt": ntriples, "rdf": rdfxml, "jsonld": jsonld}
