from django.urls import path
from rest_framework.routers import SimpleRouter

from agents.api.views import AgentStateView, AuditEventViewSet, NotificationViewSet, TeamViewSet, UserViewSet

router = SimpleRouter()
router.register("teams", TeamViewSet, basename="team")
router.register("users", UserViewSet, basename="user")
router.register("audit-events", AuditEventViewSet, basename="audit-event")
router.register("notifications", NotificationViewSet, basename="notification")

urlpatterns = [
    path("agents/<str:username>/state/", AgentStateView.as_view(), name="agent-state"),
    *router.urls,
]
