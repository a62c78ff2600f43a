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
    #: Prefix of Elasticsearch aliases and indices (`dmp-datasets` → `dmp-datasets-v1-<time>`).
    DMP_SEARCH_INDEX_PREFIX = "dmp"
    #: Drain the search outbox right after each commit in this process. Turn off when
    #: `flask dmp search drain --loop` runs as a service.
    DMP_SEARCH_DRAIN_IN_PROCESS = True
    #: Seconds a web request may spend draining after its commit; the rest waits for the next one.
    DMP_SEARCH_DRAIN_BUDGET = 2.0
    #: Outbox entries per drain batch (one bulk request per record type).
    DMP_SEARCH_BATCH_SIZE = 500
    #: After Elasticsearch failed, answer from the embedded index for this many seconds before retrying.
    DMP_SEARCH_RETRY_SECONDS = 30
    #: Timeout in seconds of each Elasticsearch request.
    DMP_SEARCH_TIMEOUT = 5.0
    #: `refresh` of index writes: False (visible within ~1 s), "wait_for" or True (tests).
    DMP_SEARCH_REFRESH = False
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

    # ---- web pages (see docs/web.md) -----------------------------------------------------
    #: Languages of the pages, the first is the default (Norwegian bokmål).
    DMP_LANGUAGES = ("nb", "en")
    #: Time zone dates and times are shown in.
    DMP_TIMEZONE = "Europe/Oslo"
    #: Datasets per page in the HTML list (the visitor may pick 10, 25, 50 or 100).
    DMP_PAGE_SIZE = 25
    #: Failed logins allowed per user name and per client address within DMP_LOGIN_WINDOW_SECONDS.
    DMP_LOGIN_MAX_ATTEMPTS = 5
    #: Window of the login throttle, in seconds (kept in process memory).
    DMP_LOGIN_WINDOW_SECONDS = 300
    #: OpenID Connect issuer URL (e.g. https://auth.dataporten.no for Feide); empty turns OIDC login off.
    DMP_OIDC_ISSUER: str | None = None
    #: OIDC client id registered with the provider.
    DMP_OIDC_CLIENT_ID: str | None = None
    #: OIDC client secret.
    DMP_OIDC_CLIENT_SECRET: str | None = None
    #: Scopes asked for at login.
    DMP_OIDC_SCOPE = "openid profile email"
    #: Name of the provider on the login button ("Logg inn med …").
    DMP_OIDC_NAME = "Feide"
    #: Claim that becomes the local user name of a new user (falls back to email, then sub).
    DMP_OIDC_USERNAME_CLAIM = "preferred_username"
    #: Claim holding the user's groups/entitlements (a string or a list of strings).
    DMP_OIDC_ROLES_CLAIM = "groups"
    #: Claim value → registry role, e.g. {"fc:org:ntnu.no:unit:VM-KUR": "curator"}; roles of matching values add up.
    DMP_OIDC_ROLE_MAP: dict = {}
    #: Roles of a user created on first OIDC login when no claim value maps to a role.
    DMP_OIDC_DEFAULT_ROLES = ("researcher",)
    #: Re-map roles from the claims on every OIDC login (False: only on the first).
    DMP_OIDC_SYNC_ROLES = True
    #: Session cookie only over HTTPS. None: on when DMP_BASE_URI starts with https://.
    SESSION_COOKIE_SECURE: bool | None = None
    #: The session cookie is not sent with cross-site requests (a second line of defence against CSRF).
    SESSION_COOKIE_SAMESITE = "Lax"
    #: A browser session ends after this many seconds.
    PERMANENT_SESSION_LIFETIME = 8 * 3600

    # ---- DCAT-AP(-NO) catalogue feed (see docs/dcat.md) -----------------------------------
    #: Profile of the feed: "dcat-ap-no" (DCAT-AP-NO 2.0 as the national catalogue checks it:
    #: dcat:byteSize is xsd:decimal) or "dcat-ap" (DCAT-AP 3.0.1: xsd:nonNegativeInteger).
    DMP_DCAT_PROFILE = "dcat-ap-no"
    #: Publisher of the catalogue and every dataset: NTNU's organisation number in Brønnøysundregistrene.
    DMP_DCAT_PUBLISHER = "https://data.brreg.no/enhetsregisteret/api/enheter/974767880"
    #: Name of the publisher per language.
    DMP_DCAT_PUBLISHER_NAME = {"nb": "Norges teknisk-naturvitenskapelige universitet",
                               "en": "Norwegian University of Science and Technology"}
    #: Title of the catalogue per language.
    DMP_DCAT_CATALOG_TITLE = {"nb": "NTNU Vitenskapsmuseets datasettkatalog",
                              "en": "NTNU University Museum dataset catalogue"}
    #: Description of the catalogue per language.
    DMP_DCAT_CATALOG_DESCRIPTION = {"nb": "Forskningsdata og samlingsdata ved NTNU Vitenskapsmuseet.",
                                    "en": "Research and collection data at the NTNU University Museum."}
    #: Homepage of the catalogue. Empty: DMP_BASE_URI + "/".
    DMP_DCAT_CATALOG_HOMEPAGE: str | None = None
    #: Licence of the catalogue's own metadata (an EU licence authority URI).
    DMP_DCAT_CATALOG_LICENCE = "http://publications.europa.eu/resource/authority/licence/CC0"
    #: Date the catalogue was first published (dct:issued; fixed so output stays byte-identical).
    DMP_DCAT_CATALOG_ISSUED = "2024-01-01"
    #: Languages of the catalogue (dct:language), as registry language codes.
    DMP_DCAT_CATALOG_LANGUAGES = ("nb", "en")
    #: Datasets per Hydra page of /catalog?page_size=…, and the largest page a client may ask for.
    DMP_DCAT_PAGE_SIZE = 100
    DMP_DCAT_MAX_PAGE_SIZE = 1000

    # E-mail (DMP review notifications). No host: messages are logged instead of sent.
    #: SMTP server host and port; DMP_SMTP_STARTTLS upgrades the connection, USER/PASSWORD log in when set.
    DMP_SMTP_HOST: str | None = None
    DMP_SMTP_PORT = 25
    DMP_SMTP_STARTTLS = False
    DMP_SMTP_USER: str | None = None
    DMP_SMTP_PASSWORD: str | None = None
    #: Sender address of the registry's e-mails.
    DMP_MAIL_FROM = "dmp-registry@localhost"

    # Data management plans (maDMP import/export)
    #: Key of the DMP template that imported maDMP / DMPonline plans follow.
    DMP_MADMP_IMPORT_TEMPLATE = "science-europe"
    #: Currency (ISO 4217) of cost answers in maDMP exports.
    DMP_MADMP_CURRENCY = "NOK"

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
