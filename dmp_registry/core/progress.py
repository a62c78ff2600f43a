"""Progress reporting for long operations; the CLI passes a factory, library callers may not."""
from __future__ import annotations

from contextlib import contextmanager


class _Silent:
    def update(self, n: int) -> None:
        pass


@contextmanager
def progress_bar(factory, total: int, label: str):
    """`factory(total, label)` is a context manager with update(n) (click.progressbar); None is silent."""
    if factory is None:
        yield _Silent()
        return
    with factory(total, label) as bar:
        yield bar
