"""The user's in-app notifications: the inbox page and the badge in the top bar."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from agents import selectors, services
from agents.http import AuthenticatedRequest

PAGE_SIZE = 25


@login_required
@require_GET
def notification_list(request: AuthenticatedRequest) -> HttpResponse:
    page = Paginator(selectors.notification_list(actor=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    template = "agents/notifications/_list.html" if request.htmx else "agents/notifications/list.html"
    return render(request, template, {"page": page})


@login_required
@require_GET
def notification_badge(request: AuthenticatedRequest) -> HttpResponse:
    """Polled by the top bar so a decision or reminder shows without reloading the page."""
    count = selectors.notification_unread_count(actor=request.user)
    return render(request, "agents/notifications/_badge.html", {"unread_notifications": count})


@login_required
@require_POST
def notification_read(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    notification = selectors.notification_get(actor=request.user, pk=pk)
    if notification is None:
        raise Http404
    services.notification_mark_read(notification=notification, actor=request.user)
    target = notification.url
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("agents:notification_list")


@login_required
@require_POST
def notification_read_all(request: AuthenticatedRequest) -> HttpResponse:
    services.notification_mark_all_read(actor=request.user)
    return redirect("agents:notification_list")
