"""After signing in, each role lands on the page it works from."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET

from agents.http import AuthenticatedRequest
from agents.navigation import landing_url


@login_required
@require_GET
def landing(request: AuthenticatedRequest) -> HttpResponse:
    return redirect(landing_url(request.user))
