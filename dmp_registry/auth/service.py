"""Local accounts and API tokens. Passwords are hashed (werkzeug), tokens stored as SHA-256."""
from __future__ import annotations

import hashlib
import hmac
import secrets

from flask import current_app
from sqlalchemy import select, update
from werkzeug.security import check_password_hash, generate_password_hash

from ..core.db import db, utcnow
from ..core.errors import InvalidInput, NotFoundError
from ..core.identity import Identity
from ..core.permissions import Policy
from ..core.service import RecordService, require_reference
from ..organisation.models import Person
from .models import ApiToken, User

TOKEN_PREFIX = "dmp"


class UserPolicy(Policy):
    def can_list(self, identity, record=None):
        return identity.has_role("admin")

    def can_read(self, identity, record=None):
        return identity.has_role("admin") or (record is not None and record.id == identity.user_id)

    def can_create(self, identity, record=None):
        return identity.has_role("admin")

    can_update = can_delete = can_create

    def read_filter(self, identity, model):
        from sqlalchemy import false, true

        if identity.has_role("admin"):
            return true()
        return model.id == identity.user_id if identity.user_id else false()


class TokenPolicy(Policy):
    """Users manage their own tokens; admins any."""

    def _own(self, identity, user):
        return identity.has_role("admin") or (user is not None and user.id == identity.user_id)

    def can_list(self, identity, record=None):
        return identity.is_authenticated and self._own(identity, record)

    can_create = can_delete = can_read = can_list


def identity_for(user: User) -> Identity:
    person = user.person
    return Identity(
        user_id=user.id,
        person_id=user.person_id,
        unit_id=person.unit_id if person else None,
        roles=frozenset(user.roles or ()),
        name=user.display_name or user.username,
    )


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["DMP_PASSWORD_HASH_METHOD"])


class UserService(RecordService):
    model, entity_type, policy = User, "user", UserPolicy()
    sort_fields = {"username": User.username, "created": User.created_at, "updated": User.updated_at}
    default_sort = "username"

    def snapshot(self, obj):
        from .schemas import UserOut

        return UserOut().dump(obj)

    def validate(self, identity, obj, data):
        for column in ("username", "email"):
            value = data.get(column)
            if value and db.session.query(User.id).filter(getattr(User, column) == value, User.id != obj.id).first():
                raise InvalidInput(errors={column: [f"Another user has this {column}."]})
        require_reference(Person, data.get("person_id"), "person_id", "person")

    def apply(self, identity, obj, data):
        data = dict(data)
        password = data.pop("password", None)
        super().apply(identity, obj, data)
        if password:
            obj.password_hash = hash_password(password)
        if not obj.display_name:
            obj.display_name = obj.username

    def authenticate(self, username: str, password: str) -> User | None:
        user = db.session.scalar(select(User).where(User.username == username))
        if user is None or not user.active or not user.password_hash:
            check_password_hash(_DUMMY_HASH, password)  # same time whether or not the user exists
            return None
        return user if check_password_hash(user.password_hash, password) else None

    def remember_language(self, user_id, code: str) -> None:
        """The UI language a user chose, kept for their next session and the e-mails they get
        (plans/mail.py). A preference, not an edit of the account: no version bump (an admin's edit
        in progress stays valid), no history entry, not even `updated_at`. Flushes; the caller commits."""
        table = User.__table__
        db.session.execute(update(table).where(table.c.id == user_id, table.c.language.is_distinct_from(code))
                           .values(language=code, updated_at=table.c.updated_at))  # not Core's onupdate

    # ---- tokens ------------------------------------------------------------------------
    def list_tokens(self, identity, user_id):
        user = self._load(user_id)
        TokenPolicy().require(identity, "list", user)
        return db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at)).all()

    def create_token(self, identity, user_id, name: str) -> tuple[ApiToken, str]:
        """Returns the token row and the plain token, which is shown once and never stored."""
        user = self._load(user_id)
        TokenPolicy().require(identity, "create", user)
        prefix, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
        token = ApiToken(user_id=user.id, name=name, prefix=prefix, secret_hash=_sha256(secret))
        db.session.add(token)
        db.session.flush()
        return token, f"{TOKEN_PREFIX}_{prefix}_{secret}"

    def revoke_token(self, identity, user_id, token_id) -> ApiToken:
        user = self._load(user_id)
        TokenPolicy().require(identity, "delete", user)
        token = db.session.get(ApiToken, token_id)
        if token is None or token.user_id != user.id:
            raise NotFoundError("No such token")
        token.revoked_at = token.revoked_at or utcnow()
        db.session.flush()
        return token

    def user_for_token(self, plain: str) -> User | None:
        parts = plain.split("_", 2)
        if len(parts) != 3 or parts[0] != TOKEN_PREFIX:
            return None
        token = db.session.scalar(select(ApiToken).where(ApiToken.prefix == parts[1]))
        if token is None or token.revoked_at is not None or not hmac.compare_digest(token.secret_hash, _sha256(parts[2])):
            return None
        if not token.user.active:
            return None
        return token.user


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


_DUMMY_HASH = generate_password_hash("not-a-password", method="pbkdf2:sha256:1000")

user_service = UserService()
