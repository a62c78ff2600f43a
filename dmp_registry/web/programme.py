"""Pages of programme."""
from flask import Blueprint, abort

bp = Blueprint("programme_pages", __name__, url_prefix="/programme")


@bp.get("/")
def dashboard():
    abort(404)
