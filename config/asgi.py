"""ASGI entry point: the push server (WebSockets under /ws/) and, for completeness, the web pages.

`make run` serves pages with gunicorn (WSGI, config.wsgi) and this application with uvicorn for
the push channel; a reverse proxy in production routes /ws/ here.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_application = get_asgi_application()  # sets Django up before the imports below touch models

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.urls import path  # noqa: E402
from django.utils.module_loading import import_string  # noqa: E402

# Named, not imported: config sits below the apps (the push consumer lives in agents).
PushConsumer = import_string("agents.consumers.PushConsumer")

application = ProtocolTypeRouter(
    {
        "http": django_application,
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter([path("ws/push/", PushConsumer.as_asgi())]))
        ),
    }
)
