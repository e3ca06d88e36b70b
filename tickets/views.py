"""Queues, the ticket page and its actions. Each action calls one service; errors become messages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from agents.decorators import role_required
from agents.http import AuthenticatedRequest, redirect_to_next
from agents.models import Role
from agents.permissions import can_use_workspace
from agents.selectors import program_for_new_record, supervised_team_ids, team_get, user_get
from config.pages import panels_from
from crm.models import CannedText
from crm.selectors import call_get, call_list_for_ticket, canned_texts, canned_values, customer_get
from tickets import permissions, selectors
from tickets.forms import CommentForm, FollowUpForm, StatusForm, TicketForm, TransferForm
from tickets.models import TRANSITIONS, Ticket
from tickets.services import follow_ups as follow_up_services
from tickets.services import tickets as services

PAGE_SIZE = 25


workspace_required = role_required(can_use_workspace, "Tickets are worked by agents, supervisors and managers.")


def _ticket_or_404(request: AuthenticatedRequest, pk: int) -> Ticket:
    ticket = selectors.ticket_get(actor=request.user, pk=pk)
    if ticket is None:
        raise Http404("No such ticket.")
    return ticket


@workspace_required
@require_GET
def ticket_list(request: AuthenticatedRequest) -> HttpResponse:
    """ "My tickets" or a team's queue (unassigned first, then by SLA due time)."""
    teams = selectors.ticket_queue_teams(actor=request.user)
    team = next((t for t in teams if str(t.pk) == request.GET.get("team")), None)
    if team is None and "mine" not in request.GET and request.user.role == Role.SUPERVISOR and teams:
        # A supervisor works from the queue of the team it supervises; "My tickets" is one tab away.
        supervised = supervised_team_ids(user=request.user)
        team = next((t for t in teams if t.pk in supervised), teams[0])
    tickets = (
        selectors.ticket_queue(actor=request.user, team=team) if team else selectors.ticket_mine(actor=request.user)
    )
    counts = selectors.ticket_queue_counts(actor=request.user, teams=teams)
    total = counts.open.get(team.pk, 0) if team else counts.mine
    page = CountedPaginator(tickets, PAGE_SIZE, count=total).get_page(request.GET.get("page"))
    if request.htmx:  # the list refreshing itself
        return render(request, "tickets/_ticket_rows.html", {"tickets": page.object_list, "now": timezone.now()})
    return render(
        request,
        "tickets/ticket_list.html",
        {"teams": teams, "team": team, "page": page, "unassigned": counts.unassigned, "now": timezone.now()},
    )


@workspace_required
@require_GET
def ticket_search(request: AuthenticatedRequest) -> HttpResponse:
    """Tickets by their words (subject, description, comments), best first."""
    query = request.GET.get("q", "").strip()
    tickets = selectors.ticket_search(actor=request.user, query=query) if query else []
    return render(request, "tickets/ticket_search.html", {"query": query, "tickets": tickets, "now": timezone.now()})


class CountedPaginator(Paginator):
    """A paginator told how many rows there are (from the queue counters) instead of counting them."""

    def __init__(self, object_list: Any, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self.__dict__["count"] = count  # ``Paginator.count`` is a cached property: this is its cached value


@workspace_required
def ticket_create(request: AuthenticatedRequest) -> HttpResponse:
    customer = customer_get(actor=request.user, pk=request.GET.get("customer") or request.POST.get("customer") or 0)
    try:
        program = program_for_new_record(
            actor=request.user, related={"customer": customer.program_id if customer else None}
        )
    except ValidationError as exc:
        # No customer and several programs: open the ticket from the customer's page instead.
        raise Http404(" ".join(exc.messages)) from exc
    form = TicketForm(request.POST or None, categories=list(selectors.category_list(program=program)))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ticket = services.ticket_create(
                actor=request.user,
                program=program,
                subject=data["subject"],
                description=data["description"],
                customer=customer,
                category=data["category"],
                priority=data["priority"],
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, f"Ticket {ticket.number} created.")
            return redirect("tickets:ticket_detail", pk=ticket.pk)
    return render(request, "tickets/ticket_form.html", {"form": form, "customer": customer})


def _errors_to_form(form: Any, exc: ValidationError) -> None:
    for field, errors in (exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}).items():
        form.add_error(field if field in form.fields else None, errors)


@workspace_required
@require_GET
def ticket_canned(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Canned replies and note templates beside the ticket's reply box, filled in for it (loaded when opened)."""
    ticket = _ticket_or_404(request, pk)
    values = canned_values(
        customer=ticket.customer, agent=request.user, program=ticket.program, ticket_number=ticket.number
    )
    texts = canned_texts(
        actor=request.user, program_id=ticket.program_id, kinds=[CannedText.Kind.REPLY, CannedText.Kind.NOTE],
        values=values,
    )  # fmt: skip
    return render(request, "crm/_canned.html", {"texts": texts, "target": "comment-body"})


@workspace_required
@require_GET
def ticket_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    ticket = _ticket_or_404(request, pk)
    context = {
        "ticket": ticket,
        "events": selectors.ticket_events(ticket=ticket)[:50],
        "comments": selectors.ticket_comments(ticket=ticket),
        "calls": call_list_for_ticket(actor=request.user, ticket_id=ticket.pk),
        "follow_ups": selectors.ticket_follow_ups(ticket=ticket),
        # The control shows the status now, then only the moves the state machine allows (workflow order).
        "transitions": TRANSITIONS[ticket.status],
        "transfer_teams": selectors.ticket_transfer_teams(ticket=ticket),
        "assignable": (
            selectors.ticket_assignable_users(ticket=ticket)
            if permissions.can_reassign_ticket(request.user, ticket)
            else []
        ),
        "can_take": permissions.can_take_ticket(request.user, ticket),
        "comment_form": CommentForm(),
        "follow_up_form": FollowUpForm(),
        "panels": panels_from("ticket_panels", ticket=ticket, actor=request.user),
        "now": timezone.now(),
        "status_choices": Ticket.Status.choices,
    }
    return render(request, "tickets/ticket_detail.html", context)


def _int(value: str | None) -> int:
    """A posted id; anything that is not a number matches nothing (0) instead of a 500."""
    return int(value) if value and value.isdigit() else 0


def _back(ticket: Ticket) -> HttpResponse:
    return redirect("tickets:ticket_detail", pk=ticket.pk)


@workspace_required
@require_POST
def ticket_status(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    ticket = _ticket_or_404(request, pk)
    form = StatusForm(request.POST)
    if form.is_valid():
        services.ticket_transition(
            actor=request.user, ticket=ticket, status=form.cleaned_data["status"], note=form.cleaned_data["note"]
        )
        messages.success(request, f"{ticket.number} is now {dict(Ticket.Status.choices)[form.cleaned_data['status']]}.")
    else:
        messages.error(request, "Unknown status.")
    return _back(ticket)


@workspace_required
@require_POST
def ticket_take(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    ticket = _ticket_or_404(request, pk)
    services.ticket_take(actor=request.user, ticket=ticket)
    messages.success(request, f"{ticket.number} is yours.")
    return _back(ticket)


@workspace_required
@require_POST
def ticket_assign(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    ticket = _ticket_or_404(request, pk)
    assignee_id = request.POST.get("assignee")
    assignee = user_get(pk=assignee_id) if assignee_id else None
    if assignee_id and assignee is None:
        messages.error(request, "Choose someone from the list.")
        return _back(ticket)
    services.ticket_assign(actor=request.user, ticket=ticket, assignee=assignee)
    return _back(ticket)


@workspace_required
@require_POST
def ticket_transfer(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    ticket = _ticket_or_404(request, pk)
    form = TransferForm(request.POST)
    team = team_get(pk=request.POST.get("team"))
    if not form.is_valid() or team is None:
        messages.error(request, "Choose a team and say why you transfer the ticket.")
        return _back(ticket)
    services.ticket_transfer(actor=request.user, ticket=ticket, team=team, note=form.cleaned_data["note"])
    messages.success(request, f"{ticket.number} transferred to {team.name}.")
    return _back(ticket)


@workspace_required
@require_POST
def ticket_priority(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    ticket = _ticket_or_404(request, pk)
    services.ticket_set_priority(actor=request.user, ticket=ticket, priority=request.POST.get("priority", ""))
    return _back(ticket)


@workspace_required
@require_POST
def comment_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    ticket = _ticket_or_404(request, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        services.ticket_comment_add(
            actor=request.user,
            ticket=ticket,
            body=form.cleaned_data["body"],
            is_internal=form.cleaned_data["is_internal"],
            from_customer=form.cleaned_data["from_customer"],
        )
    else:
        messages.error(request, "Write something first.")
    return _back(ticket)


@workspace_required
@require_POST
def follow_up_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    ticket = _ticket_or_404(request, pk)
    form = FollowUpForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Pick the date and time of the callback.")
        return _back(ticket)
    data = form.cleaned_data
    # A wall-clock time, typed in the customer's zone; the service places it there (and refuses a skipped one).
    follow_up_services.follow_up_schedule(
        actor=request.user, ticket=ticket, due_at=data["due_at"], note=data["note"], reopen_ticket=data["reopen_ticket"]
    )
    messages.success(request, "Follow-up scheduled.")
    return _back(ticket)


@workspace_required
@require_POST
def follow_up_finish(request: AuthenticatedRequest, pk: int, action: str) -> HttpResponse:
    follow_up = selectors.follow_up_get(actor=request.user, pk=pk)
    if follow_up is None or action not in {"done", "cancel"}:
        raise Http404("No such follow-up.")
    if action == "done":
        follow_up_services.follow_up_complete(actor=request.user, follow_up=follow_up)
    else:
        follow_up_services.follow_up_cancel(actor=request.user, follow_up=follow_up)
    return redirect_to_next(request, fallback=reverse("home"))


@workspace_required
@require_POST
def ticket_from_call(request: AuthenticatedRequest, call_pk: int) -> HttpResponse:
    """One step from a logged call: a new ticket (or the call attached to an open one)."""
    call = call_get(actor=request.user, pk=call_pk)
    if call is None:
        raise Http404("No such call.")
    existing = request.POST.get("ticket")
    if existing:
        ticket = _ticket_or_404(request, _int(existing))
        services.ticket_attach_call(actor=request.user, ticket=ticket, call=call)
        return _back(ticket)
    category = selectors.category_get(actor=request.user, pk=request.POST.get("category"), program_id=call.program_id)
    ticket = services.ticket_create_from_call(
        actor=request.user, call=call, subject=request.POST.get("subject", ""), category=category
    )
    messages.success(request, f"Ticket {ticket.number} opened from the call.")
    return _back(ticket)
