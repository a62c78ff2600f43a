import datetime as dt, subprocess, sys, types
from pathlib import Path

from dmp_registry.dcat import records, terms as new_terms
from dmp_registry.dcat.feed import catalog_chunks
from dmp_registry.dcat.terms import Settings
from tests.dcat.conftest import full_record, demo  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]


def _old():
    mods = {}
    for name, path, repl in (("_old_terms", "dmp_registry/dcat/terms.py", None),
                             ("_old_build", "dmp_registry/dcat/build.py", ("from .terms import", "from ._old_terms import"))):
        src = subprocess.check_output(["git", "show", f"1f4df25:{path}"], cwd=ROOT).decode()
        if repl:
            src = src.replace(*repl)
        full = f"dmp_registry.dcat.{name}"
        mod = types.ModuleType(full)
        mod.__package__ = "dmp_registry.dcat"
        sys.modules[full] = mod
        exec(compile(src, full, "exec"), mod.__dict__)
        mods[name] = mod
    return mods


def norm(t, ot):
    if isinstance(t, (new_terms.Lit, ot.Lit)):
        return ("L", t[0], t[1], t[2])
    if isinstance(t, (new_terms.Blank, ot.Blank)):
        return ("B", str(t))
    return str(t)


def aware(rec):
    if isinstance(rec, dict):
        return {k: aware(v) for k, v in rec.items()}
    if isinstance(rec, list):
        return [aware(v) for v in rec]
    if isinstance(rec, dt.datetime) and rec.tzinfo is None:
        return rec.replace(tzinfo=dt.timezone.utc)
    return rec


def test_same_triples(app, full_record, demo):
    o = _old()
    ob, ot = o["_old_build"], o["_old_terms"]
    for profile in ("dcat-ap", "dcat-ap-no"):
        s = Settings.from_app(profile)
        new = [t for chunk in catalog_chunks(s) for t in chunk]
        out, concepts = [], {}
        cat = ob.catalog_triples(s, out, concepts)
        lookups = records.Lookups()
        for rows in records.iter_batches(records.Window(), 1000, lookups):
            for rec in rows:
                out.append((cat, ob.P["dataset"], ob.dataset_triples(s, aware(rec), out, concepts)))
        for svc in records.systems(lookups=lookups):
            out.append((cat, ob.P["service"], ob.service_triples(s, aware(svc), out, concepts)))
        ob.concept_triples(concepts, out)
        ns = {tuple(norm(x, ot) for x in t) for t in new}
        os_ = {tuple(norm(x, ot) for x in t) for t in out}
        print(profile, len(ns), len(os_))
        assert os_ - ns == set(), sorted(os_ - ns)[:20]
        assert ns - os_ == set(), sorted(ns - os_)[:20]
