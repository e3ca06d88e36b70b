from django.urls import path

from agents.views import approvals, notifications

app_name = "agents"

urlpatterns = [
    path("approvals/", approvals.approval_queue, name="approval_queue"),
    path("approvals/new/", approvals.approval_new, name="approval_new"),
    path("approvals/<int:pk>/cancel/", approvals.approval_cancel_view, name="approval_cancel"),
    path("approvals/<int:pk>/<str:decision>/", approvals.approval_decide, name="approval_decide"),
    path("notifications/", notifications.notification_list, name="notification_list"),
    path("notifications/badge/", notifications.notification_badge, name="notification_badge"),
    path("notifications/read-all/", notifications.notification_read_all, name="notification_read_all"),
    path("notifications/<int:pk>/read/", notifications.notification_read, name="notification_read"),
]
