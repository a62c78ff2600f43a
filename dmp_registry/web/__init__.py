"""HTML pages for researchers and curators, on the same services as the API.

`init_app` wires languages (Flask-Babel), CSRF, security headers and template helpers;
`blueprints` lists the page blueprints that create_app registers."""
from __future__ import annotations

from flask import get_flashed_messages, request, url_for

from . import i18n, security


def init_app(app) -> None:
    i18n.init_app(app)
    security.init_app(app)
    from ..auth.current import current_identity
    from .display import action_label, conflict_value, role_labels
    from .forms import field_id
    from .options import concept_options, reference_options

    app.jinja_env.globals.update(current_identity=current_identity, concept_options=concept_options,
                                 reference_options=reference_options, field_id=field_id,
                                 action_label=action_label, conflict_value=conflict_value, role_labels=role_labels,
                                 flashes=lambda: get_flashed_messages(with_categories=True), url_with=url_with)
    app.before_request(_fresh_request_state)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True


def _fresh_request_state() -> None:
    """Forget per-request caches kept on `g`: an app context can outlive a request (tests, CLI)."""
    from flask import g
    from flask_babel import refresh

    refresh()
    g.pop("_dmp_options", None)


def url_with(**changes) -> str:
    """The current page's URL with some query arguments changed (None removes one)."""
    args = request.args.copy()
    for key, value in changes.items():
        args.pop(key, None)
        if value not in (None, ""):
            args[key] = value
    return url_for(request.endpoint, **(request.view_args or {}), **args.to_dict(flat=True))


def blueprints():
    from ..auth.views import bp as auth_bp
    from .admin import account_bp, bp as admin_bp
    from .datasets import bp as datasets_bp
    from .plans import bp as plans_bp
    from .organisation import bp as org_bp
    from .portfolio import bp as portfolio_bp
    from .priorities import bp as priorities_bp
    from .programme import bp as programme_bp
    from .search_page import bp as search_bp
    from .site import bp as site_bp

    return (site_bp, datasets_bp, org_bp, portfolio_bp, priorities_bp, plans_bp, programme_bp, search_bp, admin_bp,
            account_bp, auth_bp)
