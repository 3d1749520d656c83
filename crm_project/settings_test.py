"""Test settings: the real settings, with fast password hashing and in-memory e-mail."""

import os
from urllib.parse import urlsplit, urlunsplit

os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
# On PostgreSQL the reports' read-replica alias is configured too, as a test mirror of the
# primary (one test database), so the routing is exercised by the suite.
if os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
    os.environ.setdefault("DATABASE_REPLICA_URL", os.environ["DATABASE_URL"])

# Under pytest-xdist each worker gets a Redis database of its own, as it gets a test database of
# its own: two tests running at once never share the Celery queue or the cache.
_xdist_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _xdist_worker.startswith("gw") and os.environ.get("REDIS_URL"):
    _redis = urlsplit(os.environ["REDIS_URL"])
    _database = (int(_redis.path.strip("/") or 0) + 1 + int(_xdist_worker[2:])) % 16
    os.environ["REDIS_URL"] = urlunsplit(_redis._replace(path=f"/{_database}"))

from crm_project.settings import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# Django's test Client.login() authenticates without a request, which django-axes refuses; the
# throttling tests (tests/security/test_sign_in.py) turn it back on with the `settings` fixture.
AXES_ENABLED = False
