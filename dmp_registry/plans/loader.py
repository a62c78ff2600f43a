"""Install the shipped DMP templates (plans/templates/*.yaml) as published template versions.

Idempotent: a template that is missing is created with its content as published version 1; a template
whose newest published version already has the shipped content is left alone; when the shipped content
changed (a new release of the file), it becomes the next published version, so plans started on
older versions keep them and may migrate."""
from __future__ import annotations

from pathlib import Path

import yaml

from ..core.identity import system_identity
from ..core.progress import progress_bar

TEMPLATE_DIR = Path(__file__).parent / "templates"


def shipped_templates(directory: Path | None = None) -> list[dict]:
    return [yaml.safe_load(path.read_text(encoding="utf-8")) for path in sorted((directory or TEMPLATE_DIR).glob("*.yaml"))]


def load_templates(progress=None, directory: Path | None = None, identity=system_identity) -> dict:
    """Create or update the shipped templates; returns {"created", "updated", "unchanged", "skipped"} counts.
    The caller commits (`dmp plans load-templates` and `dmp setup` run it in one unit of work)."""
    from .service import template_service, template_version_service

    counts = {"created": 0, "updated": 0, "unchanged": 0, "skipped": 0}
    items = shipped_templates(directory)
    with progress_bar(progress, len(items), "DMP templates") as bar:
        for item in items:
            template = template_service.by_key(item["key"])
            if template is None:
                template = template_service.create(identity, {
                    "key": item["key"], "title": item["title"], "description": item.get("description") or {},
                    "funder": item.get("funder")})
                outcome = "created"
            else:
                latest = template_version_service.latest_published(template.id)
                outcome = "unchanged" if latest is not None and latest.content == item["content"] else "updated"
                if outcome == "updated" and any(v.status == "draft" for v in template.versions):
                    outcome = "skipped"  # an admin is editing a draft: leave the template to them
            if outcome in ("created", "updated"):
                version = template_version_service.create(identity, {"template_id": template.id, "content": item["content"]})
                template_version_service.publish(identity, version.id)
            counts[outcome] += 1
            bar.update(1)
    return counts
