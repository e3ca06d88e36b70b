"""Test settings: the same stack, kept apart from a running `make run`.

Tests use their own database (created by pytest-django) and their own Redis
logical databases, so a developer's worker never takes a test's tasks.
"""

import os

from config import embedded
from config.settings import *  # noqa: F403
from config.settings import REDIS_URL, channel_layers

_worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
_slot = int(_worker.removeprefix("gw") or 0) if _worker.startswith("gw") else 0
REDIS_TEST_DB = 8 + 2 * _slot

CELERY_BROKER_URL = embedded.celery_broker_url(embedded.redis_url_with_db(REDIS_URL, REDIS_TEST_DB))
CACHES = {
    "default": {
        "BACKEND": "config.cache.TolerantRedisCache",
        "LOCATION": embedded.redis_url_with_db(REDIS_URL, REDIS_TEST_DB + 1),
        "KEY_PREFIX": f"switchboard-test-{_slot}",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1.0},
    }
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed; never outside tests
CHANNEL_LAYERS = channel_layers(embedded.redis_url_with_db(REDIS_URL, REDIS_TEST_DB), f"switchboard-test-{_slot}")
