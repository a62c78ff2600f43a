"""Pages of plans."""
from flask import Blueprint, abort

bp = Blueprint("plan_pages", __name__, url_prefix="/plans")


@bp.get("/")
def index():
    abort(404)
