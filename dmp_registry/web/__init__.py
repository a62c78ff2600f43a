"""HTML pages and the mapping of domain errors to responses."""
