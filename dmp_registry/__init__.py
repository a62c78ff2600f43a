"""dmp_registry: a registry of datasets, IT systems, data flows, DMPs and programme activities."""
from __future__ import annotations

import gc
import logging
import os
import secrets
from pathlib import Path

from flask import Flask
from werkzeug.exceptions import HTTPException

from .config import KNOWN_KEYS, DefaultConfig

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent
log = logging.getLogger(__name__)


def create_app(config: dict | None = None) -> Flask:
    app = _app_with_database(config)
    from flask_smorest import Api

    from . import search

    search.init_app(app)  # after db: its teardown drains the outbox before the session goes
    api = Api(app)
    api.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    _register_api(app, api)

    from . import web
    from .auth import oidc
    from .web import errors

    errors.register(app)
    web.init_app(app)  # languages, CSRF, security headers, template helpers
    oidc.init_app(app)  # OpenID Connect login when DMP_OIDC_ISSUER is set
    for blueprint in web.blueprints():  # HTML pages: home, datasets, organisation, admin, login
        app.register_blueprint(blueprint)
    _register_feed(app)

    from .cli import dmp

    app.cli.add_command(dmp)
    _freeze_startup_heap()
    return app


def create_feed_app(config: dict | None = None) -> Flask:
    """Only the public RDF endpoints (/catalog and the per-record documents), for a worker that a
    proxy sends harvesters to: the same feed code without the API, the pages and their schemas and
    templates, so the process is ~15 MiB smaller (docs/operations.md, "A worker for harvesters";
    measurements in docs/dcat.md). Pages a browser asks for live in the full registry, at DMP_BASE_URI."""
    app = _app_with_database(config)
    from .web.security import security_headers

    _register_feed(app)
    app.after_request(security_headers)  # the same headers as the registry's responses
    app.url_build_error_handlers.append(_page_in_registry)
    app.register_error_handler(HTTPException, _plain_error)
    _freeze_startup_heap()
    return app


def _app_with_database(config: dict | None) -> Flask:
    app = Flask(__name__, instance_path=str(PROJECT_DIR / "instance"))  # templates/ and static/ beside this file
    _configure(app, config)
    from . import models  # noqa: F401  - every model registered before anything maps
    from .extensions import db

    db.init_app(app)
    return app


def _register_feed(app: Flask) -> None:
    from .dcat import api as dcat_api, crosswalk

    crosswalk.check_all()  # a broken crosswalk table stops the app instead of producing a broken feed
    app.register_blueprint(dcat_api.bp)  # RDF: /catalog, /datasets/<id>.ttl … (public records only)


_PAGES = {"dataset_pages.list": "/datasets/", "dataset_pages.detail": "/datasets/{dataset_id}"}


def _page_in_registry(error, endpoint: str, values: dict) -> str:
    """URL of a page the feed worker does not serve: the same path in the full registry."""
    from flask import current_app

    if endpoint not in _PAGES:
        raise error
    return current_app.config["DMP_BASE_URI"].rstrip("/") + _PAGES[endpoint].format(**values)


_STATUS_NB = {400: "Ugyldig forespørsel", 404: "Ikke funnet", 405: "Metoden er ikke tillatt",
              406: "Formatet kan ikke leveres"}


def _plain_error(exc: HTTPException):
    """Errors of the feed worker as plain text in bokmål and English (no templates in this process)."""
    text = f"{exc.code} {_STATUS_NB.get(exc.code, exc.name)} / {exc.name}\n"
    if exc.code == 400 and exc.description:
        text += exc.description + "\n"
    headers = dict(exc.get_headers())  # e.g. Allow on a 405
    headers["Content-Type"] = "text/plain; charset=utf-8"
    return text, exc.code, headers


def _freeze_startup_heap() -> None:
    """Everything built so far (modules, mappers, compiled dumpers, templates) lives as long as the
    process: move it out of the garbage collector's sight, so full collections during requests
    scan only what requests allocate (the collector's pauses were the p95 of list pages)."""
    gc.collect()
    gc.freeze()


def _configure(app: Flask, config: dict | None) -> None:
    app.config.from_object(DefaultConfig)
    app.config.from_prefixed_env()
    for env_name, key in (("DATABASE_URL", "DMP_DATABASE_URL"), ("ELASTICSEARCH_URL", "DMP_ELASTICSEARCH_URL"),
                          ("SECRET_KEY", "SECRET_KEY")):
        if os.environ.get(env_name):
            app.config[key] = os.environ[env_name]
    app.config.update(config or {})
    for key in sorted(k for k in app.config if k.startswith("DMP_") and k not in KNOWN_KEYS):
        log.warning("unknown setting %s (typo?)", key)
    os.makedirs(app.instance_path, exist_ok=True)
    if not app.config["DMP_DATABASE_URL"]:
        app.config["DMP_DATABASE_URL"] = f"sqlite:///{Path(app.instance_path) / 'dmp_registry.sqlite'}"
    app.config["DMP_DATABASE_URL"] = _sqlalchemy_url(app.config["DMP_DATABASE_URL"])
    if not app.config["DMP_VOCABULARY_DIR"]:
        app.config["DMP_VOCABULARY_DIR"] = str(PROJECT_DIR / "vocabularies")
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _instance_secret(Path(app.instance_path))


def _sqlalchemy_url(url: str) -> str:
    """Accept the postgres:// and postgresql:// forms hosting platforms give; use psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _instance_secret(instance: Path) -> str:
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _register_api(app: Flask, api) -> None:
    from .auth.api import blueprints as auth_bps
    from .datasets.api import blueprints as dataset_bps
    from .plans.api import blueprints as plan_bps
    from .flows.api import blueprints as flow_bps
    from .organisation.api import blueprints as org_bps
    from .priorities.api import blueprints as priority_bps
    from .programme.api import blueprints as programme_bps
    from .search.api import blueprints as search_bps
    from .systems.api import blueprints as system_bps
    from .vocabularies.api import blueprints as vocab_bps

    for blueprint in (*org_bps, *dataset_bps, *system_bps, *flow_bps, *priority_bps, *plan_bps, *programme_bps,
                      *auth_bps, *vocab_bps, *search_bps):
        api.register_blueprint(blueprint)
