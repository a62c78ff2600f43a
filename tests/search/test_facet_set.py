"""The facet-set key the embedded index groups by: one key per distinct set of facet values,
whatever order or JSON spelling the values come in, and the migration's copy agrees with it."""
import importlib.util
from pathlib import Path

from dmp_registry.search.facets import facet_set_key

MIGRATION = next((Path(__file__).resolve().parents[2] / "dmp_registry/migrations/versions").glob("*_search_facet_set.py"))


def _migration_key():
    spec = importlib.util.spec_from_file_location("facet_set_migration", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module._key


def test_same_values_same_key_whatever_the_order():
    a = {"record_type": ["dataset"], "theme": ["ENVI", "AGRI"], "unit": ["u1"]}
    b = {"unit": ["u1"], "theme": ["ENVI", "AGRI"], "record_type": ["dataset"]}
    assert facet_set_key(a) == facet_set_key(b)
    assert facet_set_key(a) != facet_set_key({**a, "unit": ["u2"]})
    assert -2**63 <= facet_set_key(a) < 2**63  # fits a BIGINT


def test_migration_backfills_the_key_the_app_writes():
    values = {"record_type": ["dataset"], "unit": ["Tromsø"], "backed_up": ["false"]}
    assert _migration_key()(values) == facet_set_key(values)


def test_key_is_the_hash_of_the_canonical_json_text():
    """orjson writes the key's text; it must be json.dumps' canonical text byte for byte, or the
    same values would get a second key beside the rows the migration backfilled."""
    import hashlib
    import json

    values = {"unit": ['q"uote\\back', "tab\tnew\nline\x01\x7f", "Tromsø 🐦 \u2028 \u00e9"], "backed_up": ["true"],
              "record_type": ["dataset"]}
    text = json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    expected = int.from_bytes(hashlib.sha1(text.encode()).digest()[:8], "big", signed=True)
    assert facet_set_key(values) == expected
