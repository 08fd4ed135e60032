"""Settings for scorecard, all read from the environment (see .env.example).

Embedded default: with no DATABASE_URL the app uses a SQLite file in the project folder, and in
DEBUG with no CELERY_BROKER_URL / REDIS_URL Celery tasks run in-process. Production sets both,
plus SECRET_KEY and ALLOWED_HOSTS; outside DEBUG a missing SECRET_KEY, or a missing broker
without CELERY_TASK_ALWAYS_EAGER=1, stops start-up.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable (a long random string) "
            "or run with DEBUG=1 for local development only."
        )
    SECRET_KEY = "django-insecure-local-development-only"  # noqa: S105 - DEBUG only

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "indicators",
    "counties",
    "targets",
    "rankings",
    "supervision",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "scorecard.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "scorecard.middleware.RefuseControlCharactersMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "scorecard.middleware.NoStoreForSignedInMiddleware",
    "scorecard.middleware.RequestLogMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # a connection dropped in the middle of a view: a 503 page saying nothing was saved
    "scorecard.middleware.DatabaseUnavailableMiddleware",
    # last, as django-axes documents: it turns a refused sign-in into the lockout page
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "scorecard.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "scorecard.context_processors.permissions",
            ],
        },
    },
]

WSGI_APPLICATION = "scorecard.wsgi.application"

# Database: embedded SQLite unless DATABASE_URL names PostgreSQL.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
# Persistent connections outside DEBUG: each gunicorn worker (or thread) keeps its connection
# for CONN_MAX_AGE seconds instead of opening one per request (a PostgreSQL connection costs a
# server process and a few milliseconds, a large part of a cached page); a connection that died
# meanwhile (the server restarted, a failover) is checked before a request uses it and replaced.
# CONN_MAX_AGE=0 goes back to a connection per request; `?conn_max_age=` in DATABASE_URL wins.
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0 if DEBUG else 60))
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The password policy (why each rule: scorecard/passwords.py); the words in the Accounts block.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "scorecard.passwords.MinimumLengthValidator",  # Django's, message in Chinese
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "scorecard.passwords.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "scorecard.passwords.WordAndNumberValidator"},
    {"NAME": "scorecard.passwords.ForbiddenWordsValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Accounts: login throttling, password policy, idle timeout
#
# Login throttling (django-axes, database handler). Every failed sign-in is recorded
# (AccessAttempt, and one AccessFailureLog row per failure; each sign-in gets an AccessLog row)
# and logged on the "axes" logger. The LOGIN_FAILURE_LIMIT-th failure in a row locks the
# (user name, client address) pair: that attempt and every later one, right password or not,
# get the lockout page (accounts/lockout.html, HTTP 429). An admin unlocks in the admin
# (Axes › Access attempts: delete the row) or with `manage.py axes_reset_username <name>`
# (`axes_reset` clears all); otherwise the lock lifts LOGIN_LOCKOUT_MINUTES after the last
# attempt (each attempt during the lock starts the wait again; 0: only an admin unlocks). A
# successful sign-in clears the count.
# Locked: the pair, not the user name alone and not the address alone. User names here are
# predictable (reporter_<county>, the bureau's staff), so a lock on the name alone would let
# anyone on the intranet keep a county's reporter out on deadline day, and keep them out, as
# every attempt restarts the wait; a lock on the address alone would lock a whole county office
# behind one NAT address. The pair stops guessing from one machine while the owner still signs
# in from theirs; guessing one account from many addresses is what the password policy answers,
# and every failure stays in AccessFailureLog for the admin to see.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out pair before checking
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
_lockout_minutes = env.int("LOGIN_LOCKOUT_MINUTES", default=30)
AXES_COOLOFF_TIME = timedelta(minutes=_lockout_minutes) if _lockout_minutes > 0 else None
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_CALLABLE = "scorecard.accounts.lockout_response"
AXES_USERNAME_CALLABLE = "scorecard.accounts.axes_username"
# the log lines name the user name and address (the password is always masked)
AXES_SENSITIVE_PARAMETERS: list[str] = []
# The client's address: REMOTE_ADDR when clients reach the app directly. Behind
# REVERSE_PROXY_COUNT reverse proxies (nginx: proxy_set_header X-Forwarded-For
# $proxy_add_x_forwarded_for), the address the outermost proxy saw, read from
# REVERSE_PROXY_IP_HEADER. django-ipware counts only the proxies written into that header (the
# nearest one is REMOTE_ADDR), hence the - 1, and checks the header has exactly that many hops:
# a client that sends its own X-Forwarded-For gets no address (all such attempts share one
# lock) instead of the one it made up.
REVERSE_PROXY_COUNT = env.int("REVERSE_PROXY_COUNT", default=0)
if REVERSE_PROXY_COUNT > 0:
    _ip_header = env.str("REVERSE_PROXY_IP_HEADER", default="X-Forwarded-For").upper()
    _ip_header = _ip_header.replace("-", "_")
    if not _ip_header.startswith("HTTP_"):
        _ip_header = f"HTTP_{_ip_header}"
    AXES_IPWARE_META_PRECEDENCE_ORDER = (_ip_header,)
    AXES_IPWARE_PROXY_COUNT = REVERSE_PROXY_COUNT - 1
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)
# Password policy: AUTH_PASSWORD_VALIDATORS above; words no password may contain (the city's
# and the system's names, in pinyin or English, 4 letters or more).
PASSWORD_FORBIDDEN_WORDS = env.list(
    "PASSWORD_FORBIDDEN_WORDS", default=["qingchuan", "kaohe", "scorecard"]
)
# Idle timeout: a session unused for SESSION_IDLE_TIMEOUT seconds is signed out. The session's
# expiry is pushed SESSION_IDLE_TIMEOUT ahead on every request (Django's sliding expiry:
# SESSION_COOKIE_AGE with SESSION_SAVE_EVERY_REQUEST), and the server refuses a session past
# its expiry whatever the browser keeps. The cost: one UPDATE of the session row per request
# of a signed-in browser (requests without a session, e.g. API tokens, write nothing; static
# files are served before the session is read). The cookie also ends with the browser
# (SESSION_EXPIRE_AT_BROWSER_CLOSE): county offices share computers, and a browser closed at
# the end of the day should not leave a session to the next person.
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=30 * 60)
SESSION_COOKIE_AGE = SESSION_IDLE_TIMEOUT
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Language: Chinese first, English available through the language switch.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Outside DEBUG, static files are served by whitenoise from `collectstatic`'s hashed manifest.
STATIC_MANIFEST = env.bool("STATIC_MANIFEST", default=not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "media/"

# Redis: cache and Celery broker. Unset means local memory cache and, with DEBUG on (`make run`),
# in-process tasks. Outside DEBUG a missing broker stops start-up unless in-process tasks are
# asked for explicitly (CELERY_TASK_ALWAYS_EAGER=1: no worker, no nightly beat).
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="") or REDIS_URL
CELERY_TASK_ALWAYS_EAGER = env.bool(
    "CELERY_TASK_ALWAYS_EAGER", default=DEBUG and not CELERY_BROKER_URL
)
CELERY_TASK_EAGER_PROPAGATES = True
if not CELERY_BROKER_URL:
    if not CELERY_TASK_ALWAYS_EAGER:
        raise ImproperlyConfigured(
            "No Celery broker: set REDIS_URL or CELERY_BROKER_URL (e.g. redis://127.0.0.1:6379/0) "
            "so that the worker and beat run the recomputes, reminders and emails, or set "
            "CELERY_TASK_ALWAYS_EAGER=1 to run tasks inside the web process explicitly (a trial "
            "only: nothing runs on a schedule)."
        )
    CELERY_BROKER_URL = "memory://"
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or None
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Enqueueing must never hang a request when Redis is away: short timeouts, no retry loop.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
    "max_retries": 1,
    # a task taken by a worker that died (acks_late) goes back to the queue after this long:
    # above the longest recompute plus its largest retry countdown (300 s), well below kombu's
    # default hour (tests/faults/test_worker_killed.py)
    "visibility_timeout": 900,
}
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BEAT_SCHEDULE = {
    "recompute-open-year-nightly": {
        "task": "rankings.tasks.recompute_open_year",
        "schedule": crontab(hour=2, minute=30),
    },
    # an approval made while Redis was away queued nothing: the months whose inputs changed
    # are recomputed within half an hour (unchanged months write nothing, in well under 1 s)
    "recompute-open-year-catch-up": {
        "task": "rankings.tasks.recompute_open_year",
        "schedule": crontab(minute="15,45"),
        "kwargs": {"trigger": "catch_up"},
    },
    "reminders-every-morning": {
        "task": "supervision.tasks.send_reminders",
        "schedule": crontab(hour=8, minute=0),
    },
}

# The API (/api/): the rule-set API (indicators.api, read and write) and the read-only API
# (api/). Browsers use their signed-in session (with CSRF on writes); scripts send a personal
# token, `Authorization: Token <key>`, made on /account/tokens/ (tokens only read: api.
# authentication). Who may read or write what is decided per view through the apps' access
# modules. Each user, and each anonymous IP, is throttled (rates from the environment).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "api.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="30/minute"),
        "user": env.str("API_THROTTLE_USER", default="300/minute"),
    },
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # decimals are strings ("12.3400"): exact, as stored; the schema says so
    "COERCE_DECIMAL_TO_STRING": True,
}
# Personal API tokens (django-rest-knox): only a SHA-512 digest is stored, the key is shown once.
KNOX_TOKEN_MODEL = "knox.AuthToken"
REST_KNOX = {
    "TOKEN_PREFIX": "kh_",
    "AUTH_HEADER_PREFIX": "Token",
    "TOKEN_TTL": None,  # each token's expiry is chosen when it is made (api.services)
    "AUTO_REFRESH": False,
}
API_TOKEN_MAX_DAYS = env.int("API_TOKEN_MAX_DAYS", default=365)
SPECTACULAR_SETTINGS = {
    "TITLE": "县区经济发展考核 API",
    "DESCRIPTION": (
        "只读接口：县区、指标、报送期、考核规则、排名计算及其结果、目标任务、进度与预警、通报。"
        "认证：浏览器使用登录会话；脚本在请求头中发送个人令牌 `Authorization: Token <令牌>`"
        "（在“API 令牌”页面创建）。每个用户看到的数据与页面相同。"
        '小数一律以字符串返回（如 "12.3400"），保留数据库中的全部小数位；'
        "与指标有关的数值使用该指标的计量单位（字段 unit），百分比字段名中注明。"
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/",
    "COMPONENT_SPLIT_REQUEST": True,
    # rule sets and target sets share draft/published; bulletins are drafted and issued
    "ENUM_NAME_OVERRIDES": {
        "PublicationStatusEnum": "indicators.models.RuleSet.Status",
        "BulletinStatusEnum": "supervision.models.Bulletin.Status",
        "LevelEnum": "rankings.models.ProgressResult.Level",
    },
}

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "scorecard",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Security. Production (DEBUG off) is HTTPS-only; a reverse proxy that terminates TLS sets
# SECURE_PROXY_SSL_HEADER through the environment.
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): scripts, styles, fonts and images only from this server
# (everything is in static/: the intranet has no internet), no inline script and no eval. Styles
# allow inline attributes because plotly.js sets element styles and injects its own stylesheet;
# charts and bulletin images may be data: URIs. Nothing may frame the app.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Permissions-Policy (django-permissions-policy): no page needs a device or sensor.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
        "xr-spatial-tracking",
    )
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
if env.bool("USE_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SILENCED_SYSTEM_CHECKS = env.list("SILENCED_SYSTEM_CHECKS", default=[])
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # covering indexes (IndicatorResult's) are a PostgreSQL speed-up; SQLite builds them plain
    SILENCED_SYSTEM_CHECKS.append("models.W040")

# Logs. Structured (one JSON object a line: time, level, logger, message and the event's
# fields) when LOG_FORMAT=json, the default outside DEBUG; readable text in development.
# Requests (scorecard.requests: method, path, status, ms, user), recomputes
# (rankings.services.recompute: period, run, ms, trigger) and Celery tasks (scorecard.tasks:
# task, id, state, ms) carry their fields. Errors of requests and tasks are mailed to ADMINS
# ("Name <email>" entries, comma-separated) outside DEBUG.
LOG_FORMAT = env.str("LOG_FORMAT", default="text" if DEBUG else "json")
ADMINS = [
    (name.strip(), address.strip(" >"))
    for name, _sep, address in (
        entry.rpartition("<") for entry in env.list("ADMINS", default=[]) if entry.strip()
    )
]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"require_debug_false": {"()": "django.utils.log.RequireDebugFalse"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            "json_ensure_ascii": False,
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT},
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false"],
        },
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django.request": {"handlers": ["console", "mail_admins"], "propagate": False},
        "scorecard.tasks": {"handlers": ["console", "mail_admins"], "propagate": False},
    },
}

# Data-entry checks (counties/validation.py): a growth rate this many points away from last
# month's asks for an explanation; so does a value outside the county's range for that month in
# past years, widened by this share on both sides.
GROWTH_JUMP_WARNING_POINTS = env.str("GROWTH_JUMP_WARNING_POINTS", default="10")
OUTLIER_BAND_MARGIN = env.str("OUTLIER_BAND_MARGIN", default="0.3")
# A period locks for entry this many days after its deadline (DHIS2's expiry days); 0: never,
# the period stays open until the statistics bureau closes it.
PERIOD_LOCK_AFTER_DAYS = env.int("PERIOD_LOCK_AFTER_DAYS", default=0)

# Email (notifications): the console in development (`make run` prints the mails), SMTP from
# the environment in production, e.g. EMAIL_URL=smtp+tls://user:password@mail.example:587.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="scorecard@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The address users reach the app at, for the links in emails (e.g. https://kaohe.example.gov)
SITE_URL = env.str("SITE_URL", default="")

# Who signs the monthly bulletin (通报), printed under its title.
BULLETIN_ISSUER = env.str("BULLETIN_ISSUER", default="市统计局")

# Demo city: reproducible seed of the generator (`manage.py make_demo_city --seed`).
DEMO_SEED = env.int("DEMO_SEED", default=2025)
