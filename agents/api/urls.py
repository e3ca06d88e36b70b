from django.urls import path

from agents.api.views import AgentStateView

urlpatterns = [
    path("agents/<str:username>/state/", AgentStateView.as_view(), name="agent-state"),
]
