"""The search page: a GET form with facet checkboxes that works without JavaScript."""
from __future__ import annotations

ENVI = "http://publications.europa.eu/resource/authority/data-theme/ENVI"


def test_search_page_lists_hits_with_highlights_and_facets(client, indexed_corpus):
    page = client.get("/search", query_string={"q": "fugler"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<mark>fugler</mark>" in html or "<mark>Fugler</mark>" in html
    assert f'name="theme" value="{ENVI}"' in html


def test_facet_checkbox_filters_and_stays_checked(client, indexed_corpus):
    html = client.get("/search", query_string={"theme": ENVI}).get_data(as_text=True)
    assert f'value="{ENVI}" checked' in html and "Lav og mose" in html and "Fiskebestand" not in html


def test_search_page_hides_what_the_reader_may_not_read(client, indexed_corpus):
    html = client.get("/search", query_string={"q": "insekter"}).get_data(as_text=True)
    assert "Malvik" not in html
