import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()

# Load every view module now, then move everything loaded so far out of the garbage collector's
# reach: a full collection would otherwise walk those few hundred thousand long-lived objects in
# the middle of a request (tens of milliseconds, every few hundred requests).
get_resolver().url_patterns  # noqa: B018 - imports the URLconf and the views
gc.freeze()
