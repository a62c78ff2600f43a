"""Search types of plans; see search/registry.py."""
SEARCH_TYPES = ()
RELATED = ()
