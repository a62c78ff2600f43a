"""REST API of priorities."""
blueprints = ()
