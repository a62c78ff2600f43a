"""Who is acting. Passed explicitly as the first argument of every service call."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field

ROLES = ("researcher", "curator", "programme_lead", "admin")


@dataclass(frozen=True)
class Identity:
    user_id: uuid.UUID | None = None
    person_id: uuid.UUID | None = None
    unit_id: uuid.UUID | None = None
    roles: frozenset[str] = field(default_factory=frozenset)
    name: str = "anonymous"

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None or "system" in self.roles

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles)) or "system" in self.roles

    @property
    def is_curator(self) -> bool:
        return self.has_role("curator", "admin")


anonymous_identity = Identity()
system_identity = Identity(roles=frozenset({"system"}), name="system")
