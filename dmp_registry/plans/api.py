"""REST API of plans."""
from .madmp_api import blueprints as madmp_blueprints

blueprints = (*madmp_blueprints,)
