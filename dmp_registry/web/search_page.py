"""The search page: the same service as the API, a plain GET form with facet checkboxes (works
without JavaScript)."""
from __future__ import annotations

from flask import Blueprint, render_template, request, url_for

from ..auth.current import current_identity
from ..search.facets import FACETS
from ..search.query import SORTS, SearchRequest
from ..search.registry import search_types
from ..search.service import search

bp = Blueprint("search_pages", __name__)


def _int(name: str, default: int, low: int, high: int) -> int:
    try:
        return min(max(int(request.args.get(name, default)), low), high)
    except ValueError:
        return default


@bp.get("/search")
def page():
    sort = request.args.get("sort")
    req = SearchRequest(q=request.args.get("q", "")[:500],
                        filters={f.name: request.args.getlist(f.name)[:50] for f in FACETS},
                        page=_int("page", 1, 1, 400), per_page=25, sort=sort if sort in SORTS else None)
    result = search(current_identity(), req)
    pages = (result["total"] + req.per_page - 1) // req.per_page
    return render_template("search/page.html", req=req, result=result, facets=FACETS, pages=pages, sorts=SORTS,
                           page_url=_page_url, hit_url=_hit_url, type_label=_type_label)


def _hit_url(hit: dict) -> str | None:
    """The page of a hit, as its search type says (types without pages are listed unlinked)."""
    search_type = search_types().get(hit["record_type"])
    return search_type.page(hit) if search_type and search_type.page else None


def _type_label(name: str) -> dict:
    search_type = search_types().get(name)
    return search_type.label if search_type else {"nb": name, "en": name}


def _page_url(number: int) -> str:
    """This search with another page number; repeated facet values kept."""
    return url_for("search_pages.page", **{**request.args.to_dict(flat=False), "page": number})
