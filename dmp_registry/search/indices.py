"""Elasticsearch indices: built from mappings/elasticsearch/, named `<prefix>-<type>-v<N>-<time>`
behind the alias `<prefix>-<type>`; code reads and writes aliases only.

While `rebuild` fills a new index, it carries the alias `<alias>-building`, and every drain writes
to it too; versions (`external_gte`) make the order of those writes irrelevant, so a change made
during the rebuild is never lost, and the final alias swap is atomic."""
from __future__ import annotations

import copy
import datetime as dt
import json
from functools import lru_cache
from pathlib import Path

from flask import current_app

from .registry import SearchType

MAPPINGS_DIR = Path(__file__).resolve().parents[2] / "mappings" / "elasticsearch"


def alias_name(st: SearchType) -> str:
    return f"{current_app.config['DMP_SEARCH_INDEX_PREFIX']}-{st.index}"


def building_alias(st: SearchType) -> str:
    return alias_name(st) + "-building"


@lru_cache(maxsize=None)
def _load(name: str) -> dict:
    return json.loads((MAPPINGS_DIR / name).read_text(encoding="utf-8"))


def _resolve(node, definitions: dict):
    """Replace {"$ref": name} by the definition and drop "_comment" keys (our own small convention)."""
    if isinstance(node, dict):
        if "$ref" in node:
            return _resolve(copy.deepcopy(definitions[node["$ref"]]), definitions)
        return {k: _resolve(v, definitions) for k, v in node.items() if k != "_comment"}
    return node


def index_body(st: SearchType) -> dict:
    common, own = _load("_common.json"), _load(st.mapping)
    definitions = {**common.get("definitions", {}), **own.get("definitions", {})}
    mappings = {"dynamic": common["dynamic"],
                "properties": {**_resolve(common["properties"], definitions),
                               **_resolve(own["properties"], definitions)}}
    return {"settings": _load("_analysis.json"), "mappings": mappings}


def create_index(es, st: SearchType, aliases: dict) -> str:
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%d%H%M%S%f")
    name = f"{alias_name(st)}-v{st.mapping_version}-{stamp}"
    body = index_body(st)
    es.indices.create(index=name, settings=body["settings"], mappings=body["mappings"], aliases=aliases)
    return name


def ensure_index(es, st: SearchType, known: set[str]) -> None:
    alias = alias_name(st)
    if alias in known:
        return
    if not es.indices.exists_alias(name=alias):
        create_index(es, st, {alias: {}})
    known.add(alias)


def concrete_indices(es, alias: str) -> list[str]:
    return list(es.indices.get_alias(name=alias).keys()) if es.indices.exists_alias(name=alias) else []


# ---- writing ------------------------------------------------------------------------------
def _actions(target: str, docs: list[dict], gone: list[tuple[str, str, int | None]]) -> list[dict]:
    ops: list[dict] = []
    for doc in docs:
        ops.append({"index": {"_index": target, "_id": doc["id"], "version": doc["version"],
                              "version_type": "external_gte"}})
        ops.append(doc)
    for _type, record_id, version in gone:
        meta = {"_index": target, "_id": record_id}
        if version is not None:  # above the last indexed version, so a late index cannot resurrect it
            meta.update(version=version + 1, version_type="external_gte")
        ops.append({"delete": meta})
    return ops


def _failures(response: dict) -> dict[str, str]:
    """id → error, ignoring version conflicts (a newer version is already there) and missing deletes."""
    failed = {}
    for item in response.get("items", ()):
        (op, result), = item.items()
        status = result.get("status", 200)
        if status >= 300 and status != 409 and not (op == "delete" and status == 404):
            failed[result.get("_id")] = json.dumps(result.get("error"))[:1000]
    return failed


def write(es, st: SearchType, docs: list[dict], gone: list, refresh) -> dict[str, str]:
    """Index and delete one type's documents via its alias (and a building index); id → error."""
    if not docs and not gone:
        return {}
    response = es.bulk(operations=_actions(alias_name(st), docs, gone), require_alias=True, refresh=refresh)
    failed = _failures(response) if response.get("errors") else {}
    if es.indices.exists_alias(name=building_alias(st)):
        es.bulk(operations=_actions(building_alias(st), docs, gone), require_alias=True, refresh=refresh)
    return failed


# ---- repair -------------------------------------------------------------------------------
def versions(es, st: SearchType) -> dict[str, int]:
    """id → version of every document in the live index."""
    from elasticsearch import helpers

    hits = helpers.scan(es, index=alias_name(st), query={"query": {"match_all": {}}}, _source=False,
                        version=True, size=2000)
    return {h["_id"]: h["_version"] for h in hits}


def swap_in(es, st: SearchType, new_index: str) -> list[str]:
    """Point the alias at `new_index` and drop the old indices, in one atomic step."""
    alias = alias_name(st)
    old = [name for name in concrete_indices(es, alias) if name != new_index]
    actions = [{"add": {"index": new_index, "alias": alias}},
               {"remove": {"index": new_index, "alias": building_alias(st)}}]
    actions += [{"remove_index": {"index": name}} for name in old]
    es.indices.update_aliases(actions=actions)
    return old
