from flask_smorest import Blueprint

from ..core.api import ApiView, register_crud
from ..core.errors import AuthenticationRequired
from . import schemas as s
from .current import current_identity
from .service import TokenPolicy, UserPolicy, user_service

users = Blueprint("users", __name__, url_prefix="/api/v1/users", description="User accounts and API tokens")
me = Blueprint("me", __name__, url_prefix="/api/v1/me", description="The signed-in user")

register_crud(users, user_service, name="user", in_schema=s.UserIn, patch_schema=s.UserPatch,
              out_schema=s.UserOut, args_schema=s.UserArgs, identity_getter=current_identity)

_tokens = TokenPolicy()


@users.route("/<uuid:user_id>/tokens", endpoint="user_tokens")
class UserTokens(ApiView):
    rules = {"get": (_tokens, "list"), "post": (_tokens, "create")}

    @users.response(200, s.TokenOut(many=True))
    def get(self, user_id):
        return user_service.list_tokens(current_identity(), user_id)

    @users.arguments(s.TokenIn)
    @users.response(201, s.TokenOut)
    def post(self, data, user_id):
        token, plain = user_service.create_token(current_identity(), user_id, data["name"])
        return {"id": token.id, "name": token.name, "prefix": token.prefix, "created_at": token.created_at,
                "revoked_at": None, "token": plain}


@users.route("/<uuid:user_id>/tokens/<uuid:token_id>", endpoint="user_token")
class UserToken(ApiView):
    rules = {"delete": (_tokens, "delete")}

    @users.response(200, s.TokenOut)
    def delete(self, user_id, token_id):
        return user_service.revoke_token(current_identity(), user_id, token_id)


@me.route("", endpoint="me")
class Me(ApiView):
    rules = {"get": (UserPolicy(), "read")}

    @me.response(200, s.UserOut)
    def get(self):
        identity = current_identity()
        if identity.user_id is None:
            raise AuthenticationRequired()
        return user_service.read(identity, identity.user_id)


blueprints = (users, me)
