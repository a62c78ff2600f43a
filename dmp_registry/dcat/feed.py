"""What each RDF document contains, as a stream of triple chunks (one chunk per batch of datasets).

The same chunks feed the fast writers (the HTTP feed) and `graph.to_graph` (rdflib: SHACL, tests,
import round trips), so the two paths differ only in serialisation — which the tests compare."""
from __future__ import annotations

from typing import Iterator

from . import records, uris
from .build import catalog_triples, concept_triples, dataset_triples, distribution_triples, service_triples
from .namespaces import PREFIXES
from .records import Window
from .terms import P, Lit, Settings

HYDRA = PREFIXES["hydra"]
XSD_INTEGER = PREFIXES["xsd"] + "integer"


def catalog_chunks(s: Settings, window: Window = Window(), batch: int | None = None, chunk: int = 20) -> Iterator[list]:
    """The whole catalogue: catalogue node, every public dataset, data services, the terms used.
    Datasets are turned into triples `chunk` at a time: small chunks keep the triples and their text
    in the processor's caches and out of the allocator's mmap path (the feed of 100,000 datasets was
    1.7 times as fast in chunks of 20 as in chunks of 250). They are read `batch` at a time
    (records.read_batch)."""
    concepts: dict = {}
    out: list = []
    lookups = records.Lookups()
    cat = catalog_triples(s, out, concepts)
    yield out
    for rows in records.iter_batches(window, batch or records.read_batch(chunk), lookups):
        for start in range(0, len(rows), chunk):
            out = []
            links = [(cat, P["dataset"], dataset_triples(s, rec, out, concepts)) for rec in rows[start:start + chunk]]
            out += links  # after the datasets: one run of the catalogue node, not one per dataset
            yield out
        out = rows = None  # not held while the next batch is read (iter_batches drops its own reference)
    yield _services(s, cat, concepts, lookups)
    out = []
    concept_triples(concepts, out)
    yield out


def page_chunks(s: Settings, rows: list[dict], view: dict, total: int, with_services: bool) -> Iterator[list]:
    """One Hydra page: the catalogue node, the page's datasets, the paging controls."""
    concepts: dict = {}
    out: list = []
    lookups = records.Lookups()
    cat = catalog_triples(s, out, concepts)
    links = [(cat, P["dataset"], dataset_triples(s, rec, out, concepts)) for rec in records.attach(rows, lookups)]
    out += links
    out += hydra_triples(cat, view, total)
    yield out
    if with_services:
        yield _services(s, cat, concepts, lookups)
    out = []
    concept_triples(concepts, out)
    yield out


def hydra_triples(collection: str, view: dict, total: int) -> list:
    page = view["@id"]
    out = [(collection, P["type"], HYDRA + "Collection"), (collection, HYDRA + "totalItems", Lit(str(total), None, XSD_INTEGER)),
           (collection, HYDRA + "view", page), (page, P["type"], HYDRA + "PartialCollectionView")]
    out += [(page, HYDRA + key, view[key]) for key in ("first", "next", "previous", "last") if view.get(key)]
    return out


def _services(s: Settings, cat: str, concepts: dict, lookups=None) -> list:
    out: list = []
    links = [(cat, P["service"], service_triples(s, svc, out, concepts)) for svc in records.systems(lookups=lookups)]
    return out + links


def dataset_chunks(s: Settings, dataset_id) -> Iterator[list] | None:
    rows = records.attach(records.page_rows(Window(ids=(dataset_id,)), 1))
    if not rows:
        return None
    concepts: dict = {}
    out: list = []
    dataset_triples(s, rows[0], out, concepts)
    out.append((uris.catalog_uri(s.base), P["dataset"], uris.dataset_uri(dataset_id, s.base)))
    concept_triples(concepts, out)
    return iter([out])


def distribution_chunks(s: Settings, distribution_id) -> Iterator[list] | None:
    from ..core.db import db
    from ..datasets.models import Distribution

    dataset_id = db.session.scalar(records.select(Distribution.dataset_id).where(Distribution.id == distribution_id))
    rows = records.attach(records.page_rows(Window(ids=(dataset_id,)), 1)) if dataset_id else []
    dist = next((d for d in rows[0]["distributions"] if d["id"] == distribution_id), None) if rows else None
    if dist is None:
        return None
    concepts: dict = {}
    out: list = []
    node = distribution_triples(s, dist, rows[0], out, concepts)
    out.append((uris.dataset_uri(dataset_id, s.base), P["distribution"], node))
    concept_triples(concepts, out)
    return iter([out])


def service_chunks(s: Settings, system_id) -> Iterator[list] | None:
    found = records.systems(ids=[system_id])
    if not found:
        return None
    concepts: dict = {}
    out: list = []
    service_triples(s, found[0], out, concepts)
    concept_triples(concepts, out)
    return iter([out])
