"""URIs of the museum's own vocabulary terms that code relies on (the files hold the rest)."""
from __future__ import annotations

LOCAL_BASE = "https://w3id.org/ntnu-vm/dmp-registry/vocab"


def local(scheme: str, code: str) -> str:
    return f"{LOCAL_BASE}/{scheme}/{code}"


CLASSIFICATION_OPEN = local("classification", "open")
CLASSIFICATION_INTERNAL = local("classification", "internal")
CLASSIFICATION_RESTRICTED = local("classification", "restricted")
CLASSIFICATION_STRICT = local("classification", "strictly-confidential")
CONFIDENTIAL_CLASSIFICATIONS = (CLASSIFICATION_RESTRICTED, CLASSIFICATION_STRICT)

PUBLICATION_UNPUBLISHED = local("publication-status", "unpublished")
PUBLICATION_PLANNED = local("publication-status", "planned")
PUBLICATION_PUBLISHED = local("publication-status", "published")
