"""The admin works for every model: each is registered (or edited inline) and its pages load on demo data."""

from __future__ import annotations

from io import StringIO

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse

from agents.models import User

PROJECT_APPS = settings.PROJECT_APPS


def _project_models() -> list[type]:
    return [
        model
        for app in PROJECT_APPS
        for model in apps.get_app_config(app).get_models()
        if not model._meta.auto_created  # implicit many-to-many tables
    ]


def _inline_models() -> set[type]:
    return {inline.model for model_admin in admin.site._registry.values() for inline in model_admin.inlines}


def test_every_model_is_in_the_admin():
    missing = [
        model._meta.label
        for model in _project_models()
        if model not in admin.site._registry and model not in _inline_models()
    ]
    assert missing == [], f"register these models in their app's admin.py (or as an inline): {missing}"


@pytest.mark.django_db
def test_admin_pages_load_on_demo_data(client, settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    client.force_login(User.objects.get(username="admin"))
    failures = []
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in PROJECT_APPS:
            continue
        opts = model._meta
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        response = client.get(changelist)
        if response.status_code != 200:
            failures.append(f"{changelist} -> {response.status_code}")
            continue
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[first.pk])
            if (status := client.get(change).status_code) != 200:
                failures.append(f"{change} -> {status}")
        query = client.get(changelist, {"q": "a"}).status_code if model_admin.search_fields else 200
        if query != 200:
            failures.append(f"{changelist}?q=a -> {query}")
    assert failures == []
