"""Elasticsearch indices: one index for every record type, built from mappings/elasticsearch/
(each type's fields merged), named `<prefix>-records-v<N>-<time>` behind the alias
`<prefix>-records` (searches) and one alias `<prefix>-<type>` per type, filtered on `record_type`
(writes, checks); code reads and writes aliases only. One index rather than one per type: a
search is one shard's work instead of eight tasks (Elasticsearch's CPU per query ~4.5 → ~3 ms
on two cores shared with the registry).

While `rebuild` fills a new index, it carries the aliases `<alias>-building`, and every drain
writes to them too; versions (`external_gte`) make the order of those writes irrelevant, so a
change made during the rebuild is never lost, and the final alias swap is atomic. Indices of the
layout before (one per type, behind the same type aliases) keep serving until that swap."""
from __future__ import annotations

import copy
import datetime as dt
import json
from functools import lru_cache
from pathlib import Path

from flask import current_app

from .registry import SearchType, search_types

MAPPINGS_DIR = Path(__file__).resolve().parents[2] / "mappings" / "elasticsearch"


def records_alias() -> str:
    return f"{current_app.config['DMP_SEARCH_INDEX_PREFIX']}-records"


def alias_name(st: SearchType) -> str:
    return f"{current_app.config['DMP_SEARCH_INDEX_PREFIX']}-{st.index}"


def type_filter(st: SearchType) -> dict:
    return {"term": {"record_type": st.name}}


def search_aliases() -> str:
    """Every alias searches read: the records alias, and the type aliases for indices of the
    layout before (missing ones are ignored). With an unfiltered alias in the request,
    Elasticsearch applies no alias filter to the records index."""
    return ",".join([records_alias(), *(alias_name(st) for st in search_types().values())])


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


def type_properties(st: SearchType) -> dict:
    """The fields of one type's documents: _common.json and the type's own file."""
    common, own = _load("_common.json"), _load(st.mapping)
    definitions = {**common.get("definitions", {}), **own.get("definitions", {})}
    return {**_resolve(common["properties"], definitions), **_resolve(own["properties"], definitions)}


def index_body(types: list[SearchType] | None = None) -> dict:
    """Settings and mappings of the records index: every type's fields, merged."""
    properties: dict = {}
    for st in types if types is not None else search_types().values():
        _merge_fields(properties, type_properties(st), st.name)
    return {"settings": _load("_analysis.json"),
            "mappings": {"dynamic": _load("_common.json")["dynamic"], "properties": properties}}


def _merge_fields(into: dict, fields: dict, type_name: str, path: str = "") -> None:
    """Add `fields` to `into`; objects merge their subfields, any other field must be mapped alike
    by every type that has it (one index holds them all)."""
    for name, spec in fields.items():
        known = into.get(name)
        if known is None:
            into[name] = copy.deepcopy(spec)
        elif "properties" in spec and "properties" in known and _without_fields(spec) == _without_fields(known):
            _merge_fields(known["properties"], spec["properties"], type_name, f"{path}{name}.")
        elif known != spec:
            raise ValueError(f"{type_name} maps {path}{name} unlike another record type: {spec} vs {known}")


def _without_fields(spec: dict) -> dict:
    return {k: v for k, v in spec.items() if k != "properties"}  # "type": "nested", "enabled", …


class MappingConflict(Exception):
    """The live index maps a field of a type's documents differently: `rebuild` must make a new one."""


def create_index(es, aliases: dict, initial: bool = False) -> str:
    """A new records index with `aliases`. The first one has a fixed name, so that processes
    making it at once make one index (a second alias target would leave no write index)."""
    from elasticsearch import BadRequestError

    version = max(st.mapping_version for st in search_types().values())
    stamp = "initial" if initial else dt.datetime.now(dt.timezone.utc).strftime("%Y%m%d%H%M%S%f")
    name = f"{records_alias()}-v{version}-{stamp}"
    body = index_body()
    try:
        es.indices.create(index=name, settings=body["settings"], mappings=body["mappings"], aliases=aliases)
    except BadRequestError as exc:
        if not (initial and exc.error == "resource_already_exists_exception"):
            raise
    return name


def type_aliases(suffix: str = "") -> dict:
    """Each type's alias (+ suffix) with its filter, for an index's `aliases`."""
    return {alias_name(st) + suffix: {"filter": type_filter(st)} for st in search_types().values()}


def ensure_index(es, st: SearchType, known: set[str]) -> None:
    """`st`'s alias exists and its index maps every field of `st`'s documents: the records index is
    made when there is none; a type newer than the live index gets its fields and its alias there;
    an index made before an upgrade gets the fields added since (new fields only: Elasticsearch
    allows that; a changed field raises MappingConflict)."""
    alias = alias_name(st)
    if alias in known:
        return
    if es.indices.exists_alias(name=alias):
        _add_fields(es, alias, st)
    else:
        live = concrete_indices(es, records_alias())
        if live:
            _add_fields(es, live[0], st)
            es.indices.put_alias(index=live[0], name=alias, filter=type_filter(st))
        else:
            aliases = {name: spec for name, spec in type_aliases().items() if not es.indices.exists_alias(name=name)}
            create_index(es, {records_alias(): {}, **aliases}, initial=True)
    known.add(alias)


def _add_fields(es, index: str, st: SearchType) -> None:
    from elasticsearch import BadRequestError

    try:
        es.indices.put_mapping(index=index, properties=type_properties(st))
    except BadRequestError as exc:
        raise MappingConflict(f"{index} maps a field of {st.name} documents differently; "
                              f"run `flask dmp search rebuild`: {exc}"[:1000]) from exc


def building_indices(es) -> list[str]:
    """Indices a rebuild is filling (or a killed rebuild left behind)."""
    pattern = f"{current_app.config['DMP_SEARCH_INDEX_PREFIX']}-*-building"
    return sorted(es.indices.get_alias(name=pattern)) if es.indices.exists_alias(name=pattern) else []


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
    failed = {}
    # The index being built first: if the swap comes between the two writes, the second one reaches
    # the new index through the alias. (Alias first, a change could reach only the old index.)
    if es.indices.exists_alias(name=building_alias(st)):
        failed.update(_bulk(es, building_alias(st), docs, gone, refresh))
    failed.update(_bulk(es, alias_name(st), docs, gone, refresh))
    return failed


def _bulk(es, target: str, docs: list[dict], gone: list, refresh) -> dict[str, str]:
    response = es.bulk(operations=_actions(target, docs, gone), require_alias=True, refresh=refresh)
    return _failures(response) if response.get("errors") else {}


# ---- repair -------------------------------------------------------------------------------
def versions(es, st: SearchType) -> dict[str, int]:
    """id → version of every document in the live index."""
    from elasticsearch import helpers

    hits = helpers.scan(es, index=alias_name(st), query={"query": {"match_all": {}}}, _source=False,
                        version=True, size=2000)
    return {h["_id"]: h["_version"] for h in hits}


def swap_in(es, new_index: str) -> list[str]:
    """Point every alias at `new_index` and drop the indices they pointed at, in one atomic step."""
    types = list(search_types().values())
    served = [records_alias(), *(alias_name(st) for st in types)]
    old = sorted({name for alias in served for name in concrete_indices(es, alias)} - {new_index})
    actions = [{"add": {"index": new_index, "alias": records_alias()}}]
    actions += [{"add": {"index": new_index, "alias": alias, **spec}} for alias, spec in type_aliases().items()]
    actions += [{"remove": {"index": new_index, "alias": building_alias(st)}} for st in types]
    actions += [{"remove_index": {"index": name}} for name in old]
    es.indices.update_aliases(actions=actions)
    return old
