"""Models of plans (filled in by issue work)."""
