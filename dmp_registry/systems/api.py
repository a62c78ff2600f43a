from flask_smorest import Blueprint

from ..auth.current import current_identity
from ..core.api import register_crud
from . import schemas as s
from .service import it_system_service

systems = Blueprint("systems", __name__, url_prefix="/api/v1/systems", description="The IT-system portfolio")

register_crud(systems, it_system_service, name="it_system", in_schema=s.ItSystemIn, patch_schema=s.ItSystemPatch,
              out_schema=s.ItSystemOut, args_schema=s.ItSystemArgs, identity_getter=current_identity)

blueprints = (systems,)
