from dmp_registry.dcat.feed import catalog_chunks
from dmp_registry.dcat.records import Window
from dmp_registry.dcat.terms import Settings
from tests.dcat.conftest import full_record, demo  # noqa: F401
import datetime as dt

def test_batches(app, full_record, demo):
    s = Settings.from_app("dcat-ap")
    big = {t for c in catalog_chunks(s) for t in c}
    for b in (1, 2, 3, 7):
        small = {t for c in catalog_chunks(s, batch=b) for t in c}
        assert small == big, (b, len(small), len(big))
    since = dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)
    w = {t for c in catalog_chunks(s, Window(modified_since=since), batch=2) for t in c}
    assert w == big
