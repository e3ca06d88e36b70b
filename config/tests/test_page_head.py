"""What every page's head loads: each script once, and an icon that is there."""

from __future__ import annotations

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_every_page_loads_each_script_once_and_has_an_icon(client, world, settings):
    settings.DEBUG = True  # django-htmx adds its debug script then: still once
    client.force_login(world.agent)
    page = client.get(reverse("home")).content.decode()
    for script in ("htmx-2.min.js", "django-htmx.js", "js/app.js"):
        assert page.count(script) <= 1, f"{script} is loaded {page.count(script)} times"
    assert 'rel="icon" href="/static/favicon.svg"' in page
    assert finders.find("favicon.svg")
    response = client.get("/favicon.ico")
    assert (response.status_code, response["Location"]) == (301, "/static/favicon.svg")
