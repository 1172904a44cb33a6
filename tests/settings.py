"""Test settings: the real settings, with a fast password hasher and what the browser tests need."""

import os
import tempfile

# Playwright's sync API runs an event loop in the test's thread; Django would otherwise refuse
# database calls made from that thread (SynchronousOnlyOperation).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from dispatch.settings import *  # noqa: E402,F403

# Hashing with the production hasher costs ~0.3 s per user; tests create hundreds.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Tests run with DEBUG off and no collectstatic: WhiteNoise serves the files from the apps' and
# the project's static folders, as runserver does.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Uploaded and generated files (import originals, submission snapshots and scans) go to a
# directory of this run, not to the project's media/.
MEDIA_ROOT = tempfile.mkdtemp(prefix="first-secretary-test-media-")
