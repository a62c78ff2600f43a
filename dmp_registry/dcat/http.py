"""HTTP plumbing of the feed: content negotiation, conditional requests, gzip, paging cursors."""
from __future__ import annotations

import base64
import hashlib
import uuid
import zlib
from typing import Iterable, Iterator

from flask import Response, request, stream_with_context

from ..core.gc_pause import gc_paused
from .writers import MEDIA_TYPES, WRITERS

EXT_BY_TYPE = {media: ext for ext, media in MEDIA_TYPES.items()}
EXT_BY_TYPE.update({"application/json": "jsonld", "application/xml": "rdf"})
RDF_OFFERS = ["text/turtle", "application/ld+json", "application/rdf+xml", "application/n-triples",
              "application/json", "application/xml"]


def negotiate(ext: str | None) -> str | None:
    """The format: the suffix if given, else Accept; None means a browser (HTML) is asking."""
    if ext:
        return ext if ext in WRITERS else ""
    best = request.accept_mimetypes.best_match(["text/html", *RDF_OFFERS], default="text/turtle")
    if best == "text/html" and request.accept_mimetypes["text/html"] > request.accept_mimetypes["text/turtle"]:
        return None
    return EXT_BY_TYPE.get(best, "ttl")


def wants_rdf() -> bool:
    """For URIs the HTML pages own: answer RDF only when an RDF type beats text/html in Accept."""
    accept = request.accept_mimetypes
    best = accept.best_match(["text/html", *RDF_OFFERS])
    return best is not None and best != "text/html" and accept[best] > accept["text/html"]


# Bumped when the same records are written as different bytes (statement order, chunking): an
# ETag names bytes, so a client holding the old ones must not get a 304 for the new ones.
OUTPUT_LAYOUT = 3


def etag_for(*parts) -> str:
    return hashlib.sha256(repr((OUTPUT_LAYOUT, *parts)).encode()).hexdigest()[:32]


def not_modified(etag: str, last_modified) -> Response | None:
    if request.if_none_match and request.if_none_match.contains(etag):
        return _conditional(Response(status=304), etag, last_modified)
    if not request.if_none_match and last_modified and request.if_modified_since \
            and last_modified.replace(microsecond=0) <= request.if_modified_since:
        return _conditional(Response(status=304), etag, last_modified)
    return None


def _conditional(response: Response, etag: str, last_modified) -> Response:
    response.set_etag(etag)
    if last_modified:
        response.last_modified = last_modified
    response.headers["Vary"] = "Accept, Accept-Encoding"
    response.cache_control.public = True
    response.cache_control.max_age = 60
    return response


def rdf_response(ext: str, chunks: Iterable[list], etag: str, last_modified) -> Response:
    """Stream `chunks` in format `ext`, UTF-8, gzipped when the client accepts it."""
    pieces = (piece.encode("utf-8") for piece in gc_paused(WRITERS[ext](chunks)))
    gzip = "gzip" in request.accept_encodings
    body = _gzip(pieces) if gzip else pieces
    response = Response(stream_with_context(body), content_type=f"{MEDIA_TYPES[ext]}; charset=utf-8")
    if gzip:
        response.headers["Content-Encoding"] = "gzip"
    return _conditional(response, etag, last_modified)


def _gzip(pieces: Iterator[bytes]) -> Iterator[bytes]:
    compressor = zlib.compressobj(6, zlib.DEFLATED, 31)  # wbits 31: gzip container
    for piece in pieces:
        out = compressor.compress(piece)
        if out:
            yield out
    yield compressor.flush()


# ---- keyset cursors ----------------------------------------------------------------------------
def encode_cursor(direction: str, dataset_id: uuid.UUID | None) -> str:
    raw = f"{direction}:{dataset_id.hex if dataset_id else ''}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(token: str | None) -> tuple[str, uuid.UUID | None]:
    """("after"|"before"|"last", id). Raises ValueError for a token we did not make."""
    if not token:
        return "after", None
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
    direction, _, hex_id = raw.partition(":")
    if direction not in ("after", "before", "last"):
        raise ValueError(token)
    return direction, uuid.UUID(hex_id) if hex_id else None
