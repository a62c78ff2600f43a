"""Search types of programme; see search/registry.py."""
SEARCH_TYPES = ()
RELATED = ()
