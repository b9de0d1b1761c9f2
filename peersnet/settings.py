"""peersnet settings. Everything that differs between machines comes from the environment.

Every variable read here is documented in the README's "Configuration" table. Without any
environment the site runs on the embedded defaults: SQLite under ``var/``, Celery eager,
local-memory cache, email to the console and to ``var/mail/``.
"""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from peersnet.env_parsing import dev_field_encryption_key, parse_admins

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

_DEV_SECRET_KEY = "dev-only-insecure-key-never-used-when-debug-is-off"  # noqa: S105
SECRET_KEY = env("SECRET_KEY", default=_DEV_SECRET_KEY if DEBUG else None)
if not SECRET_KEY:
    raise ImproperlyConfigured("Set SECRET_KEY (a dev default exists only when DEBUG is on).")

# Keys for the encrypted fields (peersnet/kernel/crypto.py), newest first, comma-separated Fernet keys;
# independent of SECRET_KEY. With DEBUG on and none set, a development key is made once in
# var/field-encryption.key (docs/privacy.md: rotation). With DEBUG off, check --deploy refuses an empty list.
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])
if not FIELD_ENCRYPTION_KEYS and DEBUG:
    FIELD_ENCRYPTION_KEYS = [dev_field_encryption_key(VAR_DIR / "field-encryption.key")]

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# The TrueType font PDFs are set in (peersnet/kernel/pdf.py); Debian's fonts-dejavu-core by default.
PDF_FONT_PATH = env("PDF_FONT_PATH", default="/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[SITE_URL])

# --- Applications -------------------------------------------------------------------------

INSTALLED_APPS = [
    "peersnet.apps.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_htmx",
    "template_partials",
    "csp",
    "django_guid",
    "peersnet",
    "accounts",
    "privacy",
    "supporters",
    "seekers",
    "bookings",
    "messaging",
    "payments",
    "giftcards",
    "matching",  # after seekers: its UserSignedUp handler needs the seeker profile seekers makes
    "notifications",
    "health",
    "waitlist",
    "sitefeedback",
    "safety",
    "workforce",
    "operations",
]

MIDDLEWARE = [
    # First: answers /healthz, /healthz/live and /healthz/report before host checks and the HTTPS redirect.
    "health.middleware.HealthProbeMiddleware",
    "django_guid.middleware.guid_middleware",  # next: every log line of the request carries its id
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    # Above the session, CSRF and message middlewares, so it sees their cookies: public pages become
    # shared-cacheable only when they set none (peersnet/kernel/http_cache.py).
    "peersnet.kernel.http_cache.PublicCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # An htmx request meeting "please sign in" (a session ended while a page was open): the whole window
    # goes to sign in, or a send says so above the form, never the sign-in page swapped into a fragment.
    "peersnet.kernel.htmx.HtmxSignInMiddleware",
    "accounts.middleware.TimezoneMiddleware",
    "accounts.middleware.NoStoreForAuthenticatedMiddleware",
    # Last, so it sees a view's exception first: a lock or statement timeout, or Stripe timing out, answers
    # the "busy, try again" page (503) instead of a 500 (README "Operations", "Timeouts").
    "peersnet.middleware.BusyMiddleware",
]

ROOT_URLCONF = "peersnet.urls"
WSGI_APPLICATION = "peersnet.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "peersnet.context_processors.site",
                "peersnet.kernel.crisis_resources.context_processor",  # CRISIS_RESOURCES (lazy, once)
                "bookings.context_processors.policy",  # POLICY: the booking windows for page copy
                "matching.context_processors.suggested",  # SUGGESTED_FOR_YOU (lazy): the directory's top
                "messaging.context_processors.unread",  # unread count and supervisor flag (lazy)
                "safety.context_processors.queue_open",  # the supervisor queue's open items (lazy)
            ],
        },
    },
]

# --- Data -------------------------------------------------------------------------------

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'peersnet.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + a busy timeout keep the dev server and the eager Celery writes from tripping over each other.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE"}
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# --- Timeouts (README "Operations", "Timeouts") ------------------------------------------------
# PostgreSQL gives up on each connection's behalf, so a held row lock or a runaway query answers the
# "busy, try again" page (peersnet.middleware.BusyMiddleware) well within gunicorn's 30 s, never a hang.
# Milliseconds; 0 turns one off. Celery workers use the same values: their statements are as short as the
# web's (the long tasks are many short statements), and each task has its own time limit below.
DB_LOCK_TIMEOUT_MS = env.int("DB_LOCK_TIMEOUT_MS", default=5_000)
DB_STATEMENT_TIMEOUT_MS = env.int("DB_STATEMENT_TIMEOUT_MS", default=20_000)
DB_IDLE_IN_TRANSACTION_TIMEOUT_MS = env.int("DB_IDLE_IN_TRANSACTION_TIMEOUT_MS", default=60_000)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # libpq's startup options: set once per connection, no extra round trip.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c lock_timeout={DB_LOCK_TIMEOUT_MS} -c statement_timeout={DB_STATEMENT_TIMEOUT_MS} "
        f"-c idle_in_transaction_session_timeout={DB_IDLE_IN_TRANSACTION_TIMEOUT_MS}"
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

REDIS_URL = env("REDIS_URL", default="")

# Sessions stay in the database (Django's default SESSION_ENGINE), never in the cache. With Redis unreachable
# the cache answers as a miss within CACHE_TIMEOUT_SECONDS (peersnet.kernel.cache): rate limits fail open and
# login, sign-up and reset keep working.
CACHE_TIMEOUT_SECONDS = env.float("CACHE_TIMEOUT_SECONDS", default=0.5)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "peersnet.kernel.cache.FailOpenRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "peersnet",
            "OPTIONS": {
                "socket_connect_timeout": CACHE_TIMEOUT_SECONDS,
                "socket_timeout": CACHE_TIMEOUT_SECONDS,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Public pages (home, pricing, the directory, profiles...) seen signed out, with no cookie set: how long a
# shared cache or a browser may keep them (peersnet/kernel/http_cache.py). Signed-in pages are never kept.
PUBLIC_CACHE_MAX_AGE = env.int("PUBLIC_CACHE_MAX_AGE_SECONDS", default=60)
# How long a rendered directory result page or supporter card is kept in the cache at most. Changes show
# at once anyway (supporters/cache.py bumps a version); this only bounds what a missed change could cost.
DIRECTORY_CACHE_SECONDS = env.int("DIRECTORY_CACHE_SECONDS", default=600)

# --- Celery -------------------------------------------------------------------------------

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
# A task is taken off the queue only once it has finished (acks_late), and a task whose worker process
# died under it (OOM kill, SIGKILL, a host lost) goes back on the queue (reject_on_worker_lost) instead of
# being dropped: every task is safe to run twice, so running one again is cheap and losing one is not.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# With Redis, a task a worker took and never acknowledged (the whole worker died, so nobody rejected it)
# is given to another worker only after the visibility timeout. Redis's default is an hour; 15 minutes is
# chosen on purpose: longer than the longest task may run (its hard time limit), or a slow task still
# running would be handed to a second worker, and short enough that a lost task waits minutes, not an
# hour (README "Operations"). Raise it with any task's time limit.
TASK_VISIBILITY_TIMEOUT_SECONDS = env.int("CELERY_VISIBILITY_TIMEOUT_SECONDS", default=15 * 60)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": TASK_VISIBILITY_TIMEOUT_SECONDS}
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Queues (README "Operations"): a slow mail server or a hanging Stripe fills only its own queue, served by
# its own workers (deploy/Procfile), so it never delays the other kind of work.
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "notifications.tasks.*": {"queue": "email"},
    "payments.tasks.*": {"queue": "payments"},
}
# Exactly one beat (README "Operations"): beat takes a lock in Redis, renewed while it runs; a second beat
# (a deploy overlap) waits until the lock is free, at most this long after the first one died.
CELERY_BEAT_SCHEDULER = "peersnet.beat:LockedScheduler"
BEAT_LOCK_TTL_SECONDS = env.int("BEAT_LOCK_TTL_SECONDS", default=60)
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
# A web request that queues a task must not hang when Redis is down: fail fast, the outbox sweep catches up.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
# Time limits (README "Operations", "Timeouts"): a task past its soft limit gets SoftTimeLimitExceeded (its
# transaction rolls back; tasks are safe to rerun), past the hard limit its process is replaced.
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=300)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=360)
CELERY_TASK_ANNOTATIONS = {
    # Daily: every supporter's eight weeks of slots, many short statements (about 2 minutes at 10,000
    # supporters, bench/README.md). Kept under the broker's visibility timeout (below), like every limit.
    "supporters.tasks.roll_slot_horizon": {"soft_time_limit": 780, "time_limit": 840},
    "supporters.tasks.regenerate_all_slots": {"soft_time_limit": 780, "time_limit": 840},
    # Every 5 minutes: each retried charge or refund may wait the Stripe timeout; a cut-short sweep
    # resumes at the next run with the same idempotency keys.
    "payments.tasks.retry_money": {"soft_time_limit": 600, "time_limit": 660},
    # One beat tick's work; shorter than the next tick.
    "health.tasks.heartbeat": {"soft_time_limit": 30, "time_limit": 45},
}

# --- A person's data export (docs/privacy.md): how long its download link works.
DATA_EXPORT_LINK_DAYS = env.int("DATA_EXPORT_LINK_DAYS", default=7)

# --- Outbox retries (README "Operations"): an email is retried with backoff this long after it was queued.
EMAIL_RETRY_BUDGET_HOURS = env.int("EMAIL_RETRY_BUDGET_HOURS", default=48)
# --- Health thresholds (README "Health checks"). A value at or above a threshold takes that status.
HEALTH_HEARTBEAT_SECONDS = env.int("HEALTH_HEARTBEAT_SECONDS", default=60)
HEALTH_BEAT_WARN_SECONDS = env.int("HEALTH_BEAT_WARN_SECONDS", default=180)
HEALTH_BEAT_FAIL_SECONDS = env.int("HEALTH_BEAT_FAIL_SECONDS", default=600)
HEALTH_WORKER_WARN_SECONDS = env.int("HEALTH_WORKER_WARN_SECONDS", default=180)
HEALTH_WORKER_FAIL_SECONDS = env.int("HEALTH_WORKER_FAIL_SECONDS", default=600)
HEALTH_OUTBOX_BACKLOG_WARN = env.int("HEALTH_OUTBOX_BACKLOG_WARN", default=50)
HEALTH_OUTBOX_BACKLOG_FAIL = env.int("HEALTH_OUTBOX_BACKLOG_FAIL", default=500)
HEALTH_OUTBOX_AGE_WARN_SECONDS = env.int("HEALTH_OUTBOX_AGE_WARN_SECONDS", default=300)
HEALTH_OUTBOX_AGE_FAIL_SECONDS = env.int("HEALTH_OUTBOX_AGE_FAIL_SECONDS", default=1800)
HEALTH_FAILED_EMAILS_WARN = env.int("HEALTH_FAILED_EMAILS_WARN", default=1)
HEALTH_FAILED_EMAILS_FAIL = env.int("HEALTH_FAILED_EMAILS_FAIL", default=10)
HEALTH_FAILED_EMAILS_WINDOW_HOURS = env.int("HEALTH_FAILED_EMAILS_WINDOW_HOURS", default=24)

# Periodic work. Each app adds its own entries here as it grows; tasks are safe to run twice.
CELERY_BEAT_SCHEDULE = {
    "clear-expired-sessions": {
        "task": "peersnet.tasks.clear_expired_sessions",
        "schedule": crontab(hour=4, minute=17),
    },
    "sweep-outbox": {"task": "notifications.tasks.sweep_outbox", "schedule": 60.0},
    # Stored next open times that came within the minimum notice (supporters/services/slots.py).
    "refresh-next-open": {"task": "supporters.tasks.refresh_next_open", "schedule": 60.0},
    "expire-requests": {"task": "bookings.tasks.expire_requests", "schedule": 120.0},
    "complete-sessions": {"task": "bookings.tasks.complete_sessions", "schedule": 300.0},
    "send-reminders": {"task": "bookings.tasks.send_reminders", "schedule": 300.0},
    "send-intake-reminders": {"task": "bookings.tasks.send_intake_reminders", "schedule": crontab(minute=40)},
    "release-unpaid": {"task": "bookings.tasks.release_unpaid", "schedule": 300.0},
    "retry-money": {"task": "payments.tasks.retry_money", "schedule": 300.0},
    "deliver-gifts": {"task": "giftcards.tasks.deliver_gifts", "schedule": 120.0},
    "expire-waitlist-holds": {"task": "waitlist.tasks.expire_holds", "schedule": 60.0},
    "purge-expired-exports": {
        "task": "privacy.tasks.purge_expired_exports",
        "schedule": crontab(hour=4, minute=47),
    },
    "messaging-sweep": {"task": "messaging.tasks.sweep_messaging", "schedule": 60.0},
    # Crisis flags past their deadline unacknowledged: every supervisor emailed once (safety/services).
    "escalate-crisis-flags": {"task": "safety.tasks.escalate_overdue_flags", "schedule": 60.0},
    # Mandatory reports unacknowledged past SAFETY_REPORT_ACKNOWLEDGE_HOURS: supervisors and operations, once.
    "escalate-mandatory-reports": {"task": "safety.tasks.escalate_overdue_reports", "schedule": 300.0},
    # The day's fair order of supporters (who comes first among ties), stored for the directory's indexes.
    "rewrite-fair-order": {
        "task": "supporters.tasks.rewrite_fair_order",
        "schedule": crontab(hour=0, minute=0),
    },
    "roll-slot-horizon": {
        "task": "supporters.tasks.roll_slot_horizon",
        "schedule": crontab(hour=10, minute=5),  # 02:05/03:05 Pacific, before anyone books for the new day
    },
    # --- Workforce (README "Onboarding and credentials"): each sends its emails once (keyed).
    "nudge-onboarding": {"task": "workforce.tasks.nudge_onboarding", "schedule": crontab(minute=25)},
    "sweep-credentials": {"task": "workforce.tasks.sweep_credentials", "schedule": crontab(minute=55)},
    # --- Workforce (README "Pay", "Supervision"): hourly, acting only on their Pacific days, safe to rerun.
    "generate-pay-statements": {
        "task": "workforce.tasks.generate_pay_statements",
        "schedule": crontab(minute=25),
    },
    "send-supervision-reminders": {
        "task": "workforce.tasks.send_supervision_reminders",
        "schedule": crontab(minute=35),
    },
    # --- Health (README "Health checks"): beat records sending it, a worker records running it.
    "heartbeat": {"task": "health.tasks.heartbeat", "schedule": float(HEALTH_HEARTBEAT_SECONDS)},
}

# --- Accounts (django-allauth) -------------------------------------------------------------

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:home"
ACCOUNT_ADAPTER = "peersnet.account_adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PRESERVE_USERNAME_CASING = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SeekerSignupForm"
# Sign-up never tells whether an address has an account: same answer, and the same cost (one password
# hash) on both paths, so not even the time taken tells (accounts/signup.py, in ACCOUNT_FORMS below).
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "peersnet: "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https") else "http"
# allauth's rate limits live in the cache: Redis when REDIS_URL is set, so every process shares them.
ACCOUNT_RATE_LIMITS = {
    "login_failed": env("RATE_LIMIT_LOGIN_FAILED", default="10/m/ip,5/5m/key"),
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
    "login": "30/m/ip",
}
# allauth's forms with our labels (accounts/allauth_forms.py); its pages are ours in templates/account/ and
# templates/mfa/.
ACCOUNT_FORMS = {
    "signup": "accounts.signup.SignupForm",
    "login": "accounts.allauth_forms.LoginForm",
    "reset_password": "accounts.allauth_forms.ResetPasswordForm",
    "reset_password_from_key": "accounts.allauth_forms.ResetPasswordKeyForm",
    "change_password": "accounts.allauth_forms.ChangePasswordForm",
    "set_password": "accounts.allauth_forms.SetPasswordForm",
    "add_email": "accounts.allauth_forms.AddEmailForm",
    "reauthenticate": "accounts.allauth_forms.ReauthenticateForm",
    "confirm_reauthentication_code": "accounts.allauth_forms.ConfirmReauthenticationCodeForm",
}
MFA_FORMS = {
    "authenticate": "accounts.allauth_forms.AuthenticateForm",
    "reauthenticate": "accounts.allauth_forms.MfaReauthenticateForm",
    "activate_totp": "accounts.allauth_forms.ActivateTOTPForm",
    "deactivate_totp": "accounts.allauth_forms.DeactivateTOTPForm",
    "generate_recovery_codes": "accounts.allauth_forms.GenerateRecoveryCodesForm",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# TOTP secrets and recovery-code seeds are encrypted with FIELD_ENCRYPTION_KEYS (docs/privacy.md).
MFA_ADAPTER = "accounts.mfa_adapter.MFAAdapter"
MFA_TOTP_ISSUER = "peersnet"
MFA_RECOVERY_CODE_COUNT = 10

# --- Email --------------------------------------------------------------------------------

DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="peersnet <hello@peersnet.example>")
SERVER_EMAIL = env("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
EMAIL_URL = env("EMAIL_URL", default="")
if EMAIL_URL:
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "peersnet.mail.ConsoleAndFileEmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_TIMEOUT = 10
# Every message passes through SiteMessageIdBackend, which gives it a Message-ID in the site's domain (from
# SITE_URL) rather than the machine's host name, then hands it to the delivery backend chosen above.
# With DEBUG off, `check --deploy` refuses a delivery backend that only prints or writes files
# (peersnet/checks.py).
EMAIL_DELIVERY_BACKEND = EMAIL_BACKEND
EMAIL_BACKEND = "peersnet.mail.SiteMessageIdBackend"
EMAIL_MESSAGE_ID_DOMAIN = urlsplit(SITE_URL).hostname or "localhost"
# Who gets Django's error emails: "Name <a@example.com>,Other <b@example.com>" (empty: nobody).
ADMINS = parse_admins(env("ADMINS", default=""))

# --- Time, language, static -------------------------------------------------------------------

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
# Dates and times rendered without an explicit format (the admin's lists and read-only fields) use one
# 12-hour clock and carry their zone (peersnet/formats/en/formats.py).
FORMAT_MODULE_PATH = ["peersnet.formats"]
DEFAULT_USER_TIME_ZONE = "America/Los_Angeles"

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Uploaded files (media) -------------------------------------------------------------------
# Every upload goes through Django's storage API (STORAGES["default"]); nothing builds a disk path.
# "local" (the embedded default): files under MEDIA_ROOT, served at /media/ by runserver in DEBUG and by the
# reverse proxy on a single host. "s3": an S3-compatible bucket (django-storages), which every web host and
# worker shares; supporter photos are public, so their URLs are plain (no signed query string) and the
# bucket (or its supporters/ prefix) must be publicly readable. MEDIA_URL is the public base of the files and
# its origin is added to the CSP's img-src.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))
_PUBLIC_S3_OPTIONS = {"custom_domain", "url_protocol", "object_parameters"}
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME", default="")
MEDIA_STORAGE = env("MEDIA_STORAGE", default="s3" if AWS_STORAGE_BUCKET_NAME else "local")
if MEDIA_STORAGE == "local":
    MEDIA_URL = "/media/"
elif MEDIA_STORAGE == "s3":
    if not AWS_STORAGE_BUCKET_NAME:
        raise ImproperlyConfigured("MEDIA_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME.")
    _s3_endpoint = env("AWS_S3_ENDPOINT_URL", default="").rstrip("/")
    _s3_region = env("AWS_S3_REGION_NAME", default="")
    _s3_location = env("AWS_LOCATION", default="").strip("/")
    # The public URL of the files: a CDN or custom domain when given; else the bucket's own address
    # (path style on a custom endpoint, virtual-hosted style on AWS).
    if _s3_endpoint:
        _s3_default_public = f"{_s3_endpoint}/{AWS_STORAGE_BUCKET_NAME}"
    elif _s3_region:
        _s3_default_public = f"https://{AWS_STORAGE_BUCKET_NAME}.s3.{_s3_region}.amazonaws.com"
    else:
        _s3_default_public = f"https://{AWS_STORAGE_BUCKET_NAME}.s3.amazonaws.com"
    _s3_public = urlsplit(env("MEDIA_PUBLIC_URL", default=_s3_default_public).rstrip("/"))
    if _s3_public.scheme not in ("http", "https") or not _s3_public.netloc:
        raise ImproperlyConfigured("MEDIA_PUBLIC_URL must be an absolute http(s) URL.")
    MEDIA_URL = f"{_s3_public.scheme}://{_s3_public.netloc}{_s3_public.path}/" + (
        f"{_s3_location}/" if _s3_location else ""
    )
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": _s3_endpoint or None,
            "region_name": _s3_region or None,
            # Unset keys: boto3's own chain (instance role, AWS_* env, ~/.aws) supplies them.
            "access_key": env("AWS_ACCESS_KEY_ID", default="") or None,
            "secret_key": env("AWS_SECRET_ACCESS_KEY", default="") or None,
            "location": _s3_location,
            # URLs are built from MEDIA_URL without a network call or a signature, so every page and
            # every host shows the same, cacheable address.
            "custom_domain": f"{_s3_public.netloc}{_s3_public.path}",
            "url_protocol": f"{_s3_public.scheme}:",
            "querystring_auth": False,
            "default_acl": env("AWS_DEFAULT_ACL", default="") or None,
            "addressing_style": "path" if _s3_endpoint else None,
            # A file name is never reused (photo_path), so browsers and CDNs may keep a file forever.
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
        },
    }
else:
    raise ImproperlyConfigured("MEDIA_STORAGE must be 'local' or 's3'.")
# Private files (applicants' resumes and video interviews, credential documents): STORAGES["private"], never
# under MEDIA_ROOT and never at a public address; the site serves them only through permission-checked
# views. Locally a directory outside the media root (nothing serves it); on S3 the same bucket under the
# "private/" prefix with a private ACL and short-lived signed URLs (the bucket policy must not make that
# prefix public). Resumes and videos are also encrypted with FIELD_ENCRYPTION_KEYS before they are stored
# (workforce/files.py).
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "private"))
if MEDIA_STORAGE == "s3":
    STORAGES["private"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **{k: v for k, v in STORAGES["default"]["OPTIONS"].items() if k not in _PUBLIC_S3_OPTIONS},
            "location": f"{_s3_location}/private".strip("/"),
            "querystring_auth": True,
            "querystring_expire": 300,
            "default_acl": "private",
            "object_parameters": {"CacheControl": "private, no-store"},
        },
    }
else:
    STORAGES["private"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": "/private-files-are-not-served/"},
    }
# Hiring (workforce/): the hourly rate in contract offers, and an optional virus scanner for uploads (the
# dotted path of a callable ``scan(data: bytes, *, filename: str) -> str | None`` returning a reason to
# refuse the file, or None when it is clean; empty: no scan).
WORKFORCE_HOURLY_RATE_CENTS = env.int("WORKFORCE_HOURLY_RATE_CENTS", default=2500)
WORKFORCE_UPLOAD_SCANNER = env("WORKFORCE_UPLOAD_SCANNER", default="")
MEDIA_ORIGIN = "" if MEDIA_URL.startswith("/") else "{0.scheme}://{0.netloc}".format(urlsplit(MEDIA_URL))

# --- Security -----------------------------------------------------------------------------

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Probes come over plain HTTP. health.middleware answers them before this redirect; the exemption keeps
# them working if that middleware ever moves.
SECURE_REDIRECT_EXEMPT = [r"^healthz(/|$)"]
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# A refused form gets a calm page of ours (templates/403_csrf.html), not Django's technical one.
CSRF_FAILURE_VIEW = "peersnet.error_views.csrf_failure_view"

# Stripe. In development and tests STRIPE_API_BASE points at localstripe (tools/run_localstripe.py) and
# STRIPE_JS_URL at its fake Stripe.js; in production both stay unset and the real keys are required.
STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY", default="sk_test_localstripe" if DEBUG else "")
STRIPE_PUBLISHABLE_KEY = env("STRIPE_PUBLISHABLE_KEY", default="pk_test_localstripe" if DEBUG else "")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET", default="whsec_localstripe" if DEBUG else "")
STRIPE_API_BASE = env("STRIPE_API_BASE", default="")
STRIPE_JS_URL = env("STRIPE_JS_URL", default="https://js.stripe.com/v3/")
# Each Stripe request gives up after STRIPE_TIMEOUT_SECONDS and is retried (same idempotency key) this many
# times: at worst about timeout × (1 + retries) per call, under gunicorn's 30 s (README "Timeouts").
STRIPE_TIMEOUT_SECONDS = env.float("STRIPE_TIMEOUT_SECONDS", default=10.0)
STRIPE_MAX_NETWORK_RETRIES = env.int("STRIPE_MAX_NETWORK_RETRIES", default=1)
STAFF_ALERT_EMAIL = env("STAFF_ALERT_EMAIL", default="staff@peersnet.example")
# Where operations hear about supporters (a credential lapsed and the supporter was unlisted).
OPERATIONS_EMAIL = env("OPERATIONS_EMAIL", default=STAFF_ALERT_EMAIL)

# Behind a proxy, the client's address (for per-IP rate limits) is read from X-Forwarded-For, trusting
# this many proxies. 0 (the default) uses the connection's own address.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# django-csp 4: no inline scripts or styles; scripts only from us. The card pages add Stripe.js's origin
# for themselves (payments.views._stripe_page), so no other page may load third-party code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *([MEDIA_ORIGIN] if MEDIA_ORIGIN else [])],  # photos on object storage
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

# --- peersnet policy (DESIGN.md §4) ---------------------------------------------------------

SESSION_PRICE_CENTS = env.int("SESSION_PRICE_CENTS", default=6500)
CURRENCY = "usd"
SESSION_MINUTES = env.int("SESSION_MINUTES", default=50)
PAID_MINUTES = 60
# Pay (README "Pay"): a seeker's no-show or late cancellation is paid to the supporter, who kept the hour.
PAY_SEEKER_NO_SHOW_AND_LATE_CANCEL = env.bool("PAY_SEEKER_NO_SHOW_AND_LATE_CANCEL", default=True)
OPERATIONS_TIME_ZONE = "America/Los_Angeles"
MIN_BOOKING_NOTICE = timedelta(hours=env.int("MIN_BOOKING_NOTICE_HOURS", default=4))
BOOKING_HORIZON = timedelta(weeks=env.int("BOOKING_HORIZON_WEEKS", default=8))
FREE_CANCELLATION_NOTICE = timedelta(hours=24)
GUARANTEE_WINDOW = timedelta(days=7)
# Waitlist (issue 16): how long a slot that opened is held for the first matching person on the list.
WAITLIST_HOLD = timedelta(minutes=env.int("WAITLIST_HOLD_MINUTES", default=120))
SEEKER_MIN_AGE = 18
SEEKER_MAX_AGE = 30
SUPPORTER_MIN_WEEKLY_HOURS = 5
# Onboarding: done within this many days of entering it, with a nudge to the supporter after the second.
ONBOARDING_DAYS = env.int("ONBOARDING_DAYS", default=14)
ONBOARDING_NUDGE_DAYS = env.int("ONBOARDING_NUDGE_DAYS", default=10)
# Reminders to renew a credential, this many days before it expires (each once per expiry date).
CREDENTIAL_REMINDER_DAYS = (60, 30, 7)
MESSAGE_REPLY_TARGET = timedelta(hours=env.int("MESSAGE_REPLY_HOURS", default=48))
# Messaging (issue 14): a conversation stays open this long after the pair's last session.
MESSAGING_OPEN_FOR = timedelta(days=env.int("MESSAGING_OPEN_DAYS", default=90))
MESSAGING_MAX_LENGTH = 4000  # characters of one message
MESSAGING_SEND_LIMIT = 30  # messages a person may send per MESSAGING_SEND_PERIOD seconds
MESSAGING_SEND_PERIOD = 10 * 60
MESSAGING_UNREAD_EMAIL_AFTER = timedelta(minutes=10)  # a message still unread this long gets one email
MESSAGING_NUDGE_WHEN_LEFT = timedelta(hours=24)  # the supporter's reply-by reminder
# Safety plans (issue 15): a supporter with a counting session this recent (or upcoming) may write a
# seeker's plan (safety/plans_selectors.py).
SAFETY_PLAN_CURRENT_DAYS = env.int("SAFETY_PLAN_CURRENT_DAYS", default=90)
MESSAGING_POLL_SECONDS = 20  # how often an open thread asks for new messages (htmx polling)
MESSAGING_PAGE_SIZE = 50  # messages shown at once in a thread (older ones behind "Earlier messages")
# Safety (issue 15): a crisis flag must be acknowledged by a supervisor within this many operating hours
# (safety/clock.py counts only the staff-editable operating hours, in OPERATIONS_TIME_ZONE); unacknowledged
# at the deadline, every supervisor is emailed once.
SAFETY_FLAG_ACK_HOURS = env.int("SAFETY_FLAG_ACK_HOURS", default=4)
CRISIS_LINE = "988"
EMERGENCY_NUMBER = "911"
SUPPORT_HOURS = "Weekdays 10am–5pm Pacific time; closed on weekends"
# The same hours for working out deadlines (matching: a request to our team is answered within one
# business day): weekdays (0 = Monday) and wall-clock hours in OPERATIONS_TIME_ZONE.
SUPPORT_DAYS = (0, 1, 2, 3, 4)
SUPPORT_OPENS_HOUR = 10
SUPPORT_CLOSES_HOUR = 17
SUPPORT_EMAIL = env("SUPPORT_EMAIL", default="hello@peersnet.example")

VIDEO_BASE_URL = env("VIDEO_BASE_URL", default="https://meet.jit.si/")

# Safety (issue 15): mandatory reports and immediate backup (docs/safety-reports.md).
# A supervisor acknowledges a new mandatory report within this many wall-clock hours, nights and weekends
# included: reporting duties run on the calendar, not on our opening hours.
SAFETY_REPORT_ACKNOWLEDGE_WITHIN = timedelta(hours=env.int("SAFETY_REPORT_ACKNOWLEDGE_HOURS", default=24))
# "Get backup now" is offered during a session and for this long after it ends.
SAFETY_BACKUP_AFTER_SESSION = timedelta(minutes=60)
# A backup request should be acknowledged within this long (its clock on the supervisor queue).
SAFETY_BACKUP_ACKNOWLEDGE_WITHIN = timedelta(minutes=15)
# The crisis partner's hours shown to a supporter waiting for backup (wall clock in OPERATIONS_TIME_ZONE).
SAFETY_CRISIS_PARTNER_HOURS = "9am to midnight Pacific time, every day"

# --- Logs, request ids, error tracking ---------------------------------------------------------
# Every line carries a timestamp, the level, the logger, the request id (django-guid: taken from a well-formed
# incoming X-Request-ID, else generated, and echoed in the response) and, in a Celery worker, the task id.
# LOG_FORMAT=json writes one JSON object per line (python-json-logger) for a log collector; anything else
# writes readable text. Celery workers use this same configuration (peersnet/celery.py). Gift tokens in
# paths are scrubbed before any handler formats a line.
LOG_FORMAT = env("LOG_FORMAT", default="text")
if LOG_FORMAT not in ("text", "json"):
    raise ImproperlyConfigured("LOG_FORMAT must be 'text' or 'json'.")
DJANGO_GUID = {
    "GUID_HEADER_NAME": "X-Request-ID",
    "VALIDATE_GUID": True,  # a UUID, else a new one: a header can't write arbitrary text into our logs
    "RETURN_HEADER": True,
    "EXPOSE_HEADER": False,
}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "scrub_secrets": {"()": "peersnet.logging_filters.ScrubSecrets"},
        "request_id": {"()": "django_guid.log_filters.CorrelationId", "correlation_id_field": "request_id"},
        "task": {"()": "peersnet.logging_filters.CeleryTask"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "formatters": {
        "text": {
            "format": "%(asctime)s %(levelname)s %(name)s [request_id=%(request_id)s task_id=%(task_id)s] "
            "%(message)s",
        },
        "json": {
            "()": "peersnet.logging_filters.JsonLineFormatter",
            "format": "%(levelname)s %(name)s %(message)s %(request_id)s %(task_id)s %(task_name)s",
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": True,  # ISO 8601, UTC
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["scrub_secrets", "request_id", "task"],
            "formatter": LOG_FORMAT,
        },
        # Django's error emails to ADMINS, without request data (peersnet.mail.ErrorEmailHandler).
        "mail_admins": {
            "class": "peersnet.mail.ErrorEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false", "scrub_secrets", "request_id"],
        },
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "stripe": {"level": "WARNING"},  # the SDK logs every request at INFO
        # django-guid writes a line per request, and one with the rejected header value per malformed id.
        "django_guid": {"level": "ERROR"},
        # Replaces Django's default handlers for its own loggers, whose error email would carry request data.
        "django": {"handlers": ["mail_admins"], "level": "INFO"},
        # Request logs carry paths: through the scrubbing handler only (gift tokens are in paths).
        "django.request": {"handlers": ["console", "mail_admins"], "level": "WARNING", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# Error tracking: only when SENTRY_DSN is set. No personal data leaves: send_default_pii off, no request
# bodies, no local variables, and peersnet.sentry.scrub_event removes cookies, emails and tokens in URLs.
SENTRY_DSN = env("SENTRY_DSN", default="")
SENTRY_ENVIRONMENT = env("SENTRY_ENVIRONMENT", default="development" if DEBUG else "production")
SENTRY_TRACES_SAMPLE_RATE = env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0)
if SENTRY_DSN:
    from peersnet.sentry import sentry_init

    sentry_init(dsn=SENTRY_DSN, environment=SENTRY_ENVIRONMENT, traces_sample_rate=SENTRY_TRACES_SAMPLE_RATE)
