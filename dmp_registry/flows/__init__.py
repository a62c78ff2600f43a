"""Data flows: how data moves between systems and datasets; lineage and impact analysis."""
