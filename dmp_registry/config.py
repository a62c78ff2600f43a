"""Every setting, with its default and meaning. Override with environment variables:
`FLASK_DMP_BASE_URI=...` sets DMP_BASE_URI (Flask strips the FLASK_ prefix); `DATABASE_URL`,
`ELASTICSEARCH_URL` and `SECRET_KEY` are read as-is because hosting platforms set them so."""
from __future__ import annotations


class DefaultConfig:
    #: SQLAlchemy URL of the database. Default: a SQLite file in the instance folder.
    DMP_DATABASE_URL: str | None = None
    #: Base of every URI the registry mints (datasets, distributions, catalogue). Keep it stable.
    DMP_BASE_URI = "http://127.0.0.1:5000"
    #: Folder with SKOS vocabularies and manifest.yaml. Default: vocabularies/ beside the package.
    DMP_VOCABULARY_DIR: str | None = None
    #: Elasticsearch URL; empty means the embedded full-text fallback.
    DMP_ELASTICSEARCH_URL: str | None = None
    #: Password hashing method for werkzeug (tests use a cheap one).
    DMP_PASSWORD_HASH_METHOD = "scrypt"
    #: Load demo data by `flask dmp setup` when the database is empty.
    DMP_LOAD_DEMO = True
    #: Largest page a list endpoint returns.
    DMP_MAX_PAGE_SIZE = 500
    #: Secret for sessions and CSRF. Default: generated once into the instance folder.
    SECRET_KEY: str | None = None
    #: Largest request body in bytes (larger gets 413). Imports through the API have their own limit.
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024

    # flask-smorest / OpenAPI
    API_TITLE = "dmp_registry"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"
    OPENAPI_SWAGGER_UI_PATH = "docs"
    OPENAPI_SWAGGER_UI_URL = "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/"
    JSON_SORT_KEYS = False


KNOWN_KEYS = {key for key in dir(DefaultConfig) if key.isupper()}
