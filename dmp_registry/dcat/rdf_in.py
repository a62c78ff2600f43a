"""Foreign RDF in, fast: pyoxigraph's streaming parser (Rust) into a light subject index that the
importer reads.

rdflib parsed a catalogue at ~1,200 datasets/s here (its Graph and term objects); pyoxigraph parses
100,000 datasets of Turtle in ~2.2 s. Only the predicates the importer reads are kept, as plain
values: IRIs as `str`, blank nodes as "_:label", literals as `(value, lang, datatype)` tuples
(datatype None for plain strings; plain tuples travel between processes, see `batches`). Objects are
kept once per (subject, predicate), as an RDF graph keeps triples.

Safety: pyoxigraph refuses remote JSON-LD contexts itself; it would expand entities declared in an
RDF/XML DTD, so a DTD is refused before parsing (safe_parse.check_xml_prolog)."""
from __future__ import annotations

from typing import IO

import pyoxigraph as ox

from .namespaces import PREFIXES, RDF_TYPE

FORMATS = {"turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "xml": ox.RdfFormat.RDF_XML,
           "json-ld": ox.RdfFormat.JSON_LD}
# JSON-LD read as it comes needs the streaming profile (@context first, @type first in each object,
# as the registry writes it); pyoxigraph's general JSON-LD parser holds the whole document.
STREAMING = {"json-ld": ox.RdfFormat.STREAMING_JSON_LD}
XSD_STRING = PREFIXES["xsd"] + "string"
_NONE: dict = {}


class Index:
    """subject → predicate → {object: None} (an insertion-ordered set)."""

    __slots__ = ("nodes",)

    def __init__(self):
        self.nodes: dict[str, dict[str, dict]] = {}

    def objects(self, node, predicate: str):
        props = self.nodes.get(node)
        return props.get(predicate, _NONE) if props else _NONE

    def subjects_of_type(self, cls: str) -> list[str]:
        return [s for s, props in self.nodes.items() if cls in props.get(RDF_TYPE, _NONE)]

    def add(self, subject: str, predicate: str, obj) -> None:
        props = self.nodes.get(subject)
        if props is None:
            props = self.nodes[subject] = {}
        values = props.get(predicate)
        if values is None:
            values = props[predicate] = {}
        values[obj] = None


BATCH = 20_000  # triples per batch: ~1.5 MB of marshal when sent from a parsing process


def batches(source: IO[bytes], fmt: str, keep: frozenset, base_iri: str | None = None, streaming=False,
            size: int | None = None):
    """The triples of `source` in document order, light terms, `keep`'s predicates only, as
    (how far `source` has been read, flat list [s, p, o, s, p, o, ...] of up to `size` triples).
    Flat, because a batch may cross to another process (safe_parse) and its reader unpacks it with
    `zip`, which reuses one tuple: a list of 20,000 tuples would be 20,000 objects for the cyclic
    collector to scan. Every predicate is one string object, and a subject's consecutive triples
    share one (marshal writes an object it has already written as a reference)."""
    named, literal, blank = ox.NamedNode, ox.Literal, ox.BlankNode
    syntax = STREAMING.get(fmt, FORMATS[fmt]) if streaming else FORMATS[fmt]
    kept = {p: p for p in keep}
    previous, batch, full = None, [], 3 * (size or BATCH)
    for quad in ox.parse(source, syntax, base_iri=base_iri, without_named_graphs=True):
        predicate = kept.get(quad.predicate.value)
        if predicate is None:
            continue
        subject, obj = quad.subject, quad.object
        kind = obj.__class__
        if kind is named:
            obj = obj.value
        elif kind is literal:
            lang = obj.language
            if lang is not None:  # rdf:langString: no need to ask
                obj = (obj.value, lang, None)
            else:
                datatype = obj.datatype.value
                obj = (obj.value, None, None if datatype == XSD_STRING else datatype)
        elif kind is blank:
            obj = "_:" + obj.value
        else:
            continue  # an RDF 1.2 triple term: nothing the importer reads
        subject = subject.value if subject.__class__ is named else "_:" + subject.value
        if subject == previous:
            subject = previous
        else:
            previous = subject
        batch += (subject, predicate, obj)
        if len(batch) >= full:
            yield source.tell(), batch
            batch = []
    yield source.tell(), batch


def index(items) -> Index:
    """All of `items` (triples) as one index: the fallback of `Stream`."""
    out = Index()
    for s, p, o in items:
        out.add(s, p, o)
    return out


WINDOW = 20_000  # triples: about 770 datasets of the registry's own feed


class NotStreamable(ValueError):
    """A node was described again after a dataset that uses it had been read: read it whole."""


class Stream:
    """The datasets of a document, each handed out as soon as its description is complete, then
    forgotten: memory holds a window of the document, not all of it.

    A dataset is read once no triple about it or the nodes it uses (`closure`) came in the last
    `window` triples, and its blank nodes and distributions are all described. Its blank nodes,
    distributions and itself are then dropped; nodes datasets share (agents, projects, places) are
    kept. A document that describes a node again after that (not the order DCAT writers use) is
    detected at the end (`NotStreamable`): the caller reads it whole instead."""

    def __init__(self, items, dataset_type: str, closure, window: int | None = None):
        self.items, self.dataset_type, self.closure, self.window = items, dataset_type, closure, window or WINDOW
        self.index = Index()
        self.last: dict[str, int] = {}  # subject → position of its latest triple
        self.pending: dict[str, int] = {}  # datasets not read yet → position of their type, in document order
        self.done: set[str] = set()
        self.shared: dict[str, int] = {}  # kept node → its number of triples when a dataset used it

    def __iter__(self):
        nodes, last, pending, window, dataset_type = self.index.nodes, self.last, self.pending, self.window, self.dataset_type
        position, current, props = 0, None, None
        for s, p, o in self.items:
            position += 1
            # Index.add inlined (2.6 million calls per 100,000 datasets); a subject's triples mostly
            # come together, so it is looked up once per run
            if s != current:
                props = nodes.get(s)
                if props is None:
                    props = nodes[s] = {}
                current = s
                last[s] = position
            values = props.get(p)
            if values is None:
                props[p] = {o: None}
            else:
                values[o] = None
            if p == RDF_TYPE and o == dataset_type:
                if s in self.done:
                    raise NotStreamable(f"{s} is described twice")
                pending.setdefault(s, position)  # typed twice: keeps its place (and _ready its order)
            if position % window == 0:
                last[current] = position
                yield from self._ready(position - window)
                current = None  # the run's node may have been read and dropped
        yield from self._ready(None)
        self._check_leftovers()

    def _ready(self, before: int | None):
        """The pending datasets whose closure is complete and was last touched before `before`."""
        for node, typed in list(self.pending.items()):
            if before is not None and typed > before:
                break  # it and every later one was touched within the window: not yet
            private, shared, complete = self.closure(self.index, node)
            if before is None and not complete:  # described nowhere, or read and dropped with another dataset
                raise NotStreamable(f"{node} uses a node that is not described after it")
            if before is not None and (not complete or any(self.last.get(n, 0) > before for n in (*private, *shared))):
                continue
            yield node, self.index
            del self.pending[node]
            self.done.add(node)
            for n in private:
                self.index.nodes.pop(n, None)
                self.last.pop(n, None)
            for n in shared:
                self.shared.setdefault(n, _size(self.index.nodes.get(n)))

    def _check_leftovers(self):
        """Whatever is left must be something no dataset reads: a node described again after its
        dataset was read, or a shared node that gained triples after a dataset used it, is not."""
        for n, size in self.shared.items():
            if _size(self.index.nodes.get(n)) != size:
                raise NotStreamable(f"{n} is described after a dataset that uses it")
        for n, props in self.index.nodes.items():
            if n in self.shared:
                continue
            types = set(props.get(RDF_TYPE, ()))
            if len(props) > (1 if types else 0) and (not types or types & LATE_TYPES):
                raise NotStreamable(f"{n} is described apart from its dataset")


LATE_TYPES = {PREFIXES["dcat"] + "Dataset", PREFIXES["dcat"] + "Distribution"}


def _size(props) -> int:
    return sum(len(v) for v in props.values()) if props else 0
