"""Search types of priorities; see search/registry.py."""
SEARCH_TYPES = ()
RELATED = ()
