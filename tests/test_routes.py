"""Every API route has a permission rule for every method it answers."""
from __future__ import annotations

from dmp_registry.core.permissions import Policy

OPENAPI_ROUTES = {"api-docs.openapi_json", "api-docs.openapi_swagger_ui"}


def api_rules(app):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/") and rule.endpoint not in OPENAPI_ROUTES:
            yield rule, app.view_functions[rule.endpoint]


def routes_without_rules(app) -> list[str]:
    missing = []
    for rule, view in api_rules(app):
        view_class = getattr(view, "view_class", None)
        rules = getattr(view_class, "rules", None) or {}
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            policy, action = rules.get(method.lower(), (None, None))
            if not isinstance(policy, Policy) or not callable(getattr(policy, f"can_{action}", None)):
                missing.append(f"{method} {rule.rule}")
    return missing


def test_every_api_route_declares_a_permission_rule(app):
    missing = routes_without_rules(app)
    assert not missing, "routes without a permission rule: " + ", ".join(missing)


def test_there_are_api_routes_to_check(app):
    assert len(list(api_rules(app))) >= 15


def test_a_view_without_rules_is_caught():
    from flask import Flask
    from flask.views import MethodView

    class Naked(MethodView):
        def get(self):
            return "x"

    class HalfCovered(MethodView):
        rules = {"get": (Policy(), "read")}

        def get(self):
            return "x"

        def post(self):
            return "x"

    probe = Flask("probe")
    probe.add_url_rule("/api/v1/naked", view_func=Naked.as_view("naked"))
    probe.add_url_rule("/api/v1/half", view_func=HalfCovered.as_view("half"))
    assert routes_without_rules(probe) == ["GET /api/v1/naked", "POST /api/v1/half"]
