"""Reading foreign RDF safely: no DTDs or entities in RDF/XML (billion laughs, XXE), no remote
JSON-LD contexts (the parser would fetch them), no network at all for files."""
from __future__ import annotations

import io
import json
import warnings
import xml.sax.handler
from contextlib import nullcontext
from pathlib import Path

from defusedxml import DefusedXmlException
from defusedxml.expatreader import DefusedExpatParser
from rdflib import Graph

FORMATS = {".ttl": "turtle", ".rdf": "xml", ".xml": "xml", ".owl": "xml", ".jsonld": "json-ld", ".json": "json-ld",
           ".nt": "nt"}
BY_TYPE = {"text/turtle": "turtle", "application/rdf+xml": "xml", "application/ld+json": "json-ld",
           "application/n-triples": "nt", "application/json": "json-ld", "application/xml": "xml"}


class UnsafeInput(ValueError):
    pass


def guess_format(name: str, content_type: str | None = None) -> str:
    if content_type and content_type.split(";")[0].strip() in BY_TYPE:
        return BY_TYPE[content_type.split(";")[0].strip()]
    return FORMATS.get(Path(name.split("?")[0]).suffix.lower(), "turtle")


def check_xml(data: bytes) -> None:
    """A streaming pass with defusedxml: refuses DTDs, entity declarations and external references."""
    parser = DefusedExpatParser(forbid_dtd=True, forbid_entities=True, forbid_external=True)
    parser.setContentHandler(xml.sax.handler.ContentHandler())
    try:
        parser.parse(io.BytesIO(data))
    except (DefusedXmlException, xml.sax.SAXParseException) as exc:
        raise UnsafeInput(f"refused RDF/XML: {exc}") from exc


class _PrologDone(Exception):
    pass


class _StopAtRoot(xml.sax.handler.ContentHandler):
    def startElement(self, name, attrs):
        raise _PrologDone


def check_xml_prolog(data: bytes) -> None:
    """`check_xml` up to the root element only: a DTD (the only place entities can be declared)
    must come before it, so the rest of a large document need not be scanned twice."""
    parser = DefusedExpatParser(forbid_dtd=True, forbid_entities=True, forbid_external=True)
    parser.setContentHandler(_StopAtRoot())
    try:
        for start in range(0, len(data), 65536):
            parser.feed(data[start:start + 65536])
        parser.close()
    except _PrologDone:
        return
    except (DefusedXmlException, xml.sax.SAXParseException) as exc:
        raise UnsafeInput(f"refused RDF/XML: {exc}") from exc


def check_jsonld(data: bytes) -> None:
    def walk(node):
        if isinstance(node, dict):
            ctx = node.get("@context")
            for item in ctx if isinstance(ctx, list) else [ctx]:
                if isinstance(item, str):
                    raise UnsafeInput(f"refused JSON-LD: remote @context {item!r} is not fetched; inline it")
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    try:
        walk(json.loads(data))
    except json.JSONDecodeError as exc:
        raise UnsafeInput(f"not JSON: {exc}") from exc


def parse(data: bytes, fmt: str) -> Graph:
    if fmt == "xml":
        check_xml(data)
    elif fmt == "json-ld":
        check_jsonld(data)
    graph = Graph()
    with warnings.catch_warnings():  # rdflib 7's JSON-LD parser still builds a ConjunctiveGraph internally
        warnings.filterwarnings("ignore", "ConjunctiveGraph is deprecated", DeprecationWarning)
        graph.parse(data=data, format=fmt)
    return graph


# Documents from this size on are parsed in a child process (pipeline.forked) while this one reads
# the datasets: pyoxigraph's parse and turning its terms into Python values take about half the
# import's CPU, which the GIL would otherwise serialise with the rest. Smaller ones do not repay the fork.
PARSE_APART_FROM = 4 * 2**20


def triples(data: bytes, fmt: str, base_iri: str | None = None, progress=None, streaming: bool = False):
    """The triples the importer reads (rdf_in.batches, pyoxigraph's parser), after the refusals of
    `parse`; pyoxigraph refuses remote JSON-LD contexts itself (it has no loader). An unreadable
    document raises ValueError when the parser meets the error; with `streaming`, JSON-LD outside
    the streaming profile raises rdf_in.NotStreamable (read it whole). `progress(n)`: n more bytes.
    A large document is parsed in a child process; the triples and errors are the same."""
    from ..core.pipeline import can_fork, forked
    from .importer import READ
    from .rdf_in import STREAMING, NotStreamable, batches

    if fmt == "xml":
        check_xml_prolog(data)
    source = io.BytesIO(data)  # shares `data`'s buffer (and so does a forked child)

    def produce():
        return batches(source, fmt, READ, base_iri, streaming)

    apart = len(data) >= PARSE_APART_FROM and can_fork()
    done = 0
    try:
        with forked(produce) if apart else nullcontext(produce()) as parsed:
            for position, flat in parsed:
                if progress and position > done:
                    progress(position - done)
                    done = position
                items = iter(flat)
                yield from zip(items, items, items)
    except SyntaxError as exc:
        if "LoadDocumentCallback" in str(exc):
            raise UnsafeInput("refused JSON-LD: a remote @context is not fetched; inline it") from exc
        if streaming and fmt in STREAMING:
            raise NotStreamable(str(exc)) from exc  # the whole-document parser decides whether it is an error
        raise ValueError(f"not readable as {fmt}: {exc}") from exc


def index(data: bytes, fmt: str, base_iri: str | None = None):
    """`data` whole, as the importer reads it (rdf_in.Index)."""
    from .rdf_in import index as collect

    return collect(triples(data, fmt, base_iri))


def read(source: str) -> tuple[bytes, str, str]:
    """A file path or an http(s) URL (fetched once, with a size limit): its bytes, format, and base
    IRI (the URL, or the file's URI) for relative IRIs."""
    if source.startswith(("http://", "https://")):
        import requests

        response = requests.get(source, timeout=30, headers={"Accept": ", ".join(BY_TYPE)}, stream=True)
        response.raise_for_status()
        data = response.raw.read(200 * 1024 * 1024 + 1, decode_content=True)
        if len(data) > 200 * 1024 * 1024:
            raise UnsafeInput("refused: larger than 200 MiB")
        return data, guess_format(source, response.headers.get("Content-Type")), source
    return Path(source).read_bytes(), guess_format(source), Path(source).resolve().as_uri()


def load(source: str) -> Graph:
    """`source` as an rdflib Graph (validation with pySHACL)."""
    data, fmt, _base = read(source)
    return parse(data, fmt)
