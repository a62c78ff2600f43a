"""Pages of priorities."""
from flask import Blueprint, abort

bp = Blueprint("priority_pages", __name__, url_prefix="/priorities")


@bp.get("/")
def index():
    abort(404)
