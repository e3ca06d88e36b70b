"""The agent's start page at ``/``, outside the ``crm`` namespace: every app redirects to it as ``home``."""

from django.urls import path

from crm import views

urlpatterns = [path("", views.workspace, name="home")]
