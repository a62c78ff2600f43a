"""REST endpoints for maDMP (RDA DMP Common Standard 1.2) export and import of plans."""
blueprints = ()
