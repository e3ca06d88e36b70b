from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/agents/<int:pk>/", views.agent_detail, name="agent_detail"),
    path("wallboard/", views.wallboard, name="wallboard"),
]
