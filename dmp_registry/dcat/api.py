"""RDF endpoints: /catalog (whole, streamed; or Hydra pages), one document per dataset, distribution
and data service at its URI, with content negotiation.

Every view reads through `records`, which filters with the dataset policy for the anonymous identity:
the feed is public, so a signed-in curator gets exactly what a harvester gets."""
from __future__ import annotations

import datetime as dt
import re
import uuid
from urllib.parse import urlencode

from flask import Blueprint, abort, current_app, redirect, request, url_for

from . import records
from .feed import catalog_chunks, dataset_chunks, distribution_chunks, page_chunks, service_chunks
from .http import decode_cursor, encode_cursor, etag_for, negotiate, not_modified, rdf_response, wants_rdf
from .records import Window
from .terms import Settings

bp = Blueprint("dcat", __name__)


@bp.record_once
def _register_json_api(state):
    """/api/v1/dcat (import, quality) goes on the app's flask-smorest Api, next to the other areas."""
    from . import rest

    apis = state.app.extensions.get("flask-smorest", {}).get("blp_name_to_api", {})
    if apis and rest.blp.name not in apis:
        next(iter(apis.values())).register_blueprint(rest.blp)


DATASET_PATH = re.compile(r"^/datasets/([0-9a-fA-F-]{36})$")


@bp.get("/catalog", defaults={"ext": None})
@bp.get("/catalog.<ext>")
def catalog(ext):
    fmt = negotiate(ext)
    if fmt == "":
        abort(404)
    if fmt is None:
        return redirect(url_for("dataset_pages.list"))
    page_size, cursor, since = _paging_args()
    s = Settings.from_app()
    fingerprint = records.fingerprint()
    etag = etag_for(s, fingerprint, fmt, sorted(request.args.items(multi=True)))
    last_modified = _newest(fingerprint)
    cached = not_modified(etag, last_modified)
    if cached is not None:
        return cached
    if page_size is None and cursor is None:
        chunks = catalog_chunks(s, Window(modified_since=since))
    else:
        chunks = _page(s, fmt, page_size or current_app.config["DMP_DCAT_PAGE_SIZE"], cursor, since)
    return rdf_response(fmt, chunks, etag, last_modified)


def _paging_args():
    try:
        size = request.args.get("page_size", type=int)
        if "page_size" in request.args and (size is None or size < 1):
            raise ValueError("page_size")
        cursor = decode_cursor(request.args["cursor"]) if "cursor" in request.args else None
        since = request.args.get("modified_since")
        since = dt.datetime.fromisoformat(since) if since else None
        if since is not None and since.tzinfo is None:
            since = since.replace(tzinfo=dt.timezone.utc)
    except (ValueError, UnicodeDecodeError):
        abort(400, "page_size must be a positive integer, cursor a token from a page link, "
                   "modified_since an ISO 8601 date-time")
    maximum = current_app.config["DMP_DCAT_MAX_PAGE_SIZE"]
    return (min(size, maximum) if size else None), cursor, since


def _page(s: Settings, fmt: str, size: int, cursor, since):
    direction, key = cursor or ("after", None)
    # one row more than the page tells whether there is a page beyond it (no separate probe query)
    if direction == "after":
        rows = records.page_rows(Window(after=key, modified_since=since), size + 1)
        has_next, rows = len(rows) > size, rows[:size]
        has_prev = bool(rows) and key is not None and records.exists(Window(before=rows[0]["id"], modified_since=since))
    else:  # "before" a key, or "last" (before the end)
        rows = records.page_rows(Window(before=key, modified_since=since), size + 1, reverse=True)
        has_prev, rows = len(rows) > size, rows[-size:] if rows else rows
        has_next = bool(rows) and key is not None and records.exists(Window(after=rows[-1]["id"], modified_since=since))
    link = lambda token: _page_url(fmt, size, token, since)  # noqa: E731
    view = {"@id": link(request.args.get("cursor")), "first": link(None), "last": link(encode_cursor("last", None)),
            "next": has_next and link(encode_cursor("after", rows[-1]["id"])),
            "previous": has_prev and link(encode_cursor("before", rows[0]["id"]))}
    return page_chunks(s, rows, view, records.count(Window(modified_since=since)), with_services=not has_prev)


def _page_url(fmt: str, size: int, token: str | None, since) -> str:
    args = {"page_size": size, **({"cursor": token} if token else {}),
            **({"modified_since": since.isoformat()} if since else {})}
    return f"{records_base()}/catalog.{fmt}?{urlencode(args)}"


def records_base() -> str:
    return current_app.config["DMP_BASE_URI"].rstrip("/")


def _newest(fingerprint) -> dt.datetime | None:
    return fingerprint[1]


def _document(fmt: str, make_chunks, record_id):
    s = Settings.from_app()
    fingerprint = records.fingerprint()
    etag = etag_for(s, fingerprint, fmt, str(record_id))
    cached = not_modified(etag, _newest(fingerprint))
    if cached is not None:
        return cached
    chunks = make_chunks(s, record_id)
    if chunks is None:
        abort(404)
    return rdf_response(fmt, chunks, etag, _newest(fingerprint))


@bp.get("/datasets/<uuid:dataset_id>.<ext>")
def dataset(dataset_id, ext):
    if negotiate(ext) == "":
        abort(404)
    return _document(ext, dataset_chunks, dataset_id)


@bp.get("/distributions/<uuid:distribution_id>", defaults={"ext": None})
@bp.get("/distributions/<uuid:distribution_id>.<ext>")
def distribution(distribution_id, ext):
    fmt = negotiate(ext)
    if fmt == "":
        abort(404)
    if fmt is None:  # a browser: the dataset's page shows its distributions
        from ..core.db import db
        from ..datasets.models import Distribution

        dist = db.session.get(Distribution, distribution_id)
        if dist is None:
            abort(404)
        return redirect(url_for("dataset_pages.detail", dataset_id=dist.dataset_id), 303)
    return _document(fmt, distribution_chunks, distribution_id)


@bp.get("/data-services/<uuid:system_id>", defaults={"ext": None})
@bp.get("/data-services/<uuid:system_id>.<ext>")
def data_service(system_id, ext):
    fmt = negotiate(ext) or ("ttl" if ext is None else "")  # no HTML page for data services (yet)
    if not fmt:
        abort(404)
    return _document(fmt, service_chunks, system_id)


@bp.before_app_request
def dataset_uri_negotiation():
    """/datasets/<id> is the HTML page's route; an RDF client asking for the same URI gets RDF."""
    if request.method not in ("GET", "HEAD"):
        return None
    match = DATASET_PATH.match(request.path)
    if not match or not wants_rdf():
        return None
    try:
        dataset_id = uuid.UUID(match.group(1))
    except ValueError:
        return None
    return _document(negotiate(None) or "ttl", dataset_chunks, dataset_id)
