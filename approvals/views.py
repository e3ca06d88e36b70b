"""The approval queue and the request form."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from agents import permissions
from agents.http import AuthenticatedRequest
from approvals import selectors
from approvals.models import MONETARY_KINDS, ApprovalKind
from approvals.services import approval_approve, approval_cancel, approval_reject, approval_request
from config.errors import DomainError
from crm.selectors import customer_flags, customer_get
from tickets.selectors import ticket_get


def _queue_context(request: AuthenticatedRequest) -> dict[str, Any]:
    pending = list(selectors.approval_queue(actor=request.user)[:100])
    refunds = selectors.approval_recent_refunds(customer_ids=[r.customer_id for r in pending if r.customer_id])
    flags = customer_flags(customer_ids={r.customer_id for r in pending if r.customer_id})
    rows = [
        {
            "request": r,
            "refunds": refunds.get(r.customer_id) if r.customer_id else None,
            "flags": flags.get(r.customer_id, []) if r.customer_id else [],
        }
        for r in pending
    ]
    return {"rows": rows}


@login_required
@require_GET
def approval_queue(request: AuthenticatedRequest) -> HttpResponse:
    if not permissions.can_view_approval_queue(request.user):
        raise PermissionDenied("The approval queue is for supervisors and managers.")
    template = "approvals/_queue.html" if request.htmx else "approvals/queue.html"
    return render(request, template, _queue_context(request))


def _pending_or_404(request: AuthenticatedRequest, pk: int) -> Any:
    found = selectors.approval_get(actor=request.user, pk=pk)
    if found is None:
        raise Http404("No such request.")
    return found


@login_required
@require_POST
def approval_decide(request: AuthenticatedRequest, pk: int, decision: str) -> HttpResponse:
    found = _pending_or_404(request, pk)
    note = request.POST.get("note", "")
    try:
        if decision == "approve":
            decided = approval_approve(actor=request.user, request=found, note=note)
            messages.success(request, f"Approved: {decided}.")
        elif decision == "reject":
            decided = approval_reject(actor=request.user, request=found, note=note)
            messages.success(request, f"Rejected: {decided}.")
        else:
            raise Http404
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("approvals:approval_queue")


@login_required
@require_POST
def approval_cancel_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    found = _pending_or_404(request, pk)
    approval_cancel(actor=request.user, request=found)
    messages.success(request, "Request cancelled.")
    return redirect(request.POST.get("next") or "home")


@login_required
def approval_new(request: AuthenticatedRequest) -> HttpResponse:
    ticket = ticket_get(actor=request.user, pk=request.GET.get("ticket") or request.POST.get("ticket") or 0)
    customer = customer_get(actor=request.user, pk=request.GET.get("customer") or request.POST.get("customer") or 0)
    if ticket is None and customer is None:
        raise Http404("Ask from a customer or a ticket.")
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        try:
            amount = Decimal(request.POST["amount"]) if kind in MONETARY_KINDS and request.POST.get("amount") else None
        except InvalidOperation:
            errors["amount"] = ["Enter a number, such as 49.90."]
            amount = None
        if not errors:
            try:
                created = approval_request(
                    actor=request.user,
                    kind=kind,
                    amount=amount,
                    currency=request.POST.get("currency", "USD"),
                    reason=request.POST.get("reason", ""),
                    reference=request.POST.get("reference", ""),
                    policy=request.POST.get("policy", ""),
                    customer=customer,
                    ticket=ticket,
                )
            except ValidationError as exc:
                errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
            else:
                if created.status == "self_approved":
                    messages.success(request, f"Granted within your limit: {created}.")
                else:
                    messages.success(request, f"Sent for approval: {created}. You will be notified of the decision.")
                if ticket is not None:
                    return redirect("tickets:ticket_detail", pk=ticket.pk)
                return redirect("crm:customer_detail", pk=customer.pk)  # type: ignore[union-attr]
    return render(
        request,
        "approvals/new.html",
        {"ticket": ticket, "customer": customer, "kinds": ApprovalKind.choices, "errors": errors, "data": request.POST},
    )
