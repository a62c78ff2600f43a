"""Data management plans: templates, plans, review, versions (issue 8)."""
