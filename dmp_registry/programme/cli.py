"""`dmp programme …` commands."""
import click


@click.group("programme")
def group():
    """The digital-infrastructure programme: activities, goals, hours, status reports (issue 9)."""
