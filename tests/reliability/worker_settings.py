"""Settings of the worker processes the reliability tests start and kill.

The test settings, with e-mails written to files the test can count, and the broker's
recovery sweep made frequent enough for a test to wait for it.
"""

import os

from crm_project.settings_test import *  # noqa: F403

EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ["RELIABILITY_MAIL_DIR"]
# kombu looks for unacknowledged messages past the visibility timeout every
# interval x throttle seconds (100 s by default); every second here.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    **CELERY_BROKER_TRANSPORT_OPTIONS,  # noqa: F405
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
