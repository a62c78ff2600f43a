"""`dmp priorities …` commands."""
import click


@click.group("priorities")
def group():
    """Curators' priority lists, assessments, worklists and data rescue (issue 7)."""
