"""Settings for the test suite: the same as production apart from speed knobs."""

from config.settings import *  # noqa: F403
from config.settings import HUEY

# Jobs run inline, so a test sees their effect at once.
HUEY = {**HUEY, "immediate": True}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
NOTIFY_WEBHOOK_URL = ""
