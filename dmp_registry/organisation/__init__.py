"""Organisation units, people and projects."""
