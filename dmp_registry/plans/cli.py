"""`dmp plans …` commands."""
import click


@click.group("plans")
def group():
    """Data management plans: templates, plans, review, versions (issue 8)."""
