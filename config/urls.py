from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from config import views

api_v1 = [
    path("", include("agents.api.urls")),
    path("", include("crm.api.urls")),
    path("", include("tickets.api.urls")),
    path("", include("knowledge.api.urls")),
    path("", include("approvals.api.urls")),
    path("", include("quality.api.urls")),
    path("", include("outbound.api.urls")),
    path("", include("integrations.api.urls")),
    path("", include("reports.api.urls")),
]

urlpatterns = [
    # The API first: its requests come fastest (telephony, billing), and the pages' patterns all sit under
    # an empty prefix that every path is tried against.
    path("api/v1/", include(api_v1)),
    path("", include("crm.workspace_urls")),
    path("healthz", views.healthz, name="healthz"),
    # Browsers and bookmarks that ask for the classic address get the app's icon.
    path("favicon.ico", views.favicon, name="favicon"),
    path("readyz", views.readyz, name="readyz"),
    path("", include("agents.auth_urls")),
    path("", include("crm.urls")),
    path("", include("tickets.urls")),
    path("", include("knowledge.urls")),
    path("", include("agents.urls")),
    path("", include("approvals.urls")),
    path("", include("quality.urls")),
    path("", include("outbound.urls")),
    path("", include("reports.urls")),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]

# The last resort for an exception nothing handled: a database that does not answer is a 503.
handler500 = "config.views.server_error"
# JSON under /api/ for what no API view answered (an unknown path above all), pages elsewhere.
handler400 = "config.views.bad_request"
handler403 = "config.views.permission_denied"
handler404 = "config.views.page_not_found"
