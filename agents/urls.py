from django.urls import path

from agents.views import landing, notifications, states

app_name = "agents"

urlpatterns = [
    path("start/", landing.landing, name="landing"),
    path("notifications/", notifications.notification_list, name="notification_list"),
    path("notifications/badge/", notifications.notification_badge, name="notification_badge"),
    path("notifications/read-all/", notifications.notification_read_all, name="notification_read_all"),
    path("notifications/<int:pk>/read/", notifications.notification_read, name="notification_read"),
    path("me/state/", states.agent_state_menu, name="agent_state_menu"),
    path("me/state/change/", states.agent_state_change, name="agent_state_change"),
    path("floor/", states.floor, name="floor"),
]
