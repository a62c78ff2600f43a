"""REST API of programme."""
blueprints = ()
