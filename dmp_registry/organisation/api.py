from flask_smorest import Blueprint

from ..auth.current import current_identity
from ..core.api import register_crud
from . import schemas as s
from .service import person_service, project_service, unit_service

units = Blueprint("units", __name__, url_prefix="/api/v1/units", description="Organisation units")
people = Blueprint("people", __name__, url_prefix="/api/v1/people", description="People")
projects = Blueprint("projects", __name__, url_prefix="/api/v1/projects", description="Projects")

register_crud(units, unit_service, name="unit", in_schema=s.UnitIn, patch_schema=s.UnitPatch,
              out_schema=s.UnitOut, args_schema=s.UnitArgs, identity_getter=current_identity)
register_crud(people, person_service, name="person", in_schema=s.PersonIn, patch_schema=s.PersonPatch,
              out_schema=s.PersonOut, args_schema=s.PersonArgs, identity_getter=current_identity)
register_crud(projects, project_service, name="project", in_schema=s.ProjectIn, patch_schema=s.ProjectPatch,
              out_schema=s.ProjectOut, args_schema=s.ProjectArgs, identity_getter=current_identity)

blueprints = (units, people, projects)
