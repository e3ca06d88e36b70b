"""The agent's screens: find the caller, the customer page, notes and the call log."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import trigger_client_event

from agents.decorators import role_required
from agents.http import AuthenticatedRequest, redirect_to_next
from agents.permissions import Actor, can_use_workspace, is_admin
from agents.selectors import program_for_new_record, program_list
from config.hooks import app_hooks
from config.pages import panels_for, panels_from, timeline_for, workspace_panels_for
from config.pages import parse_before as _before
from crm import selectors
from crm.forms import CallStartForm, CallWrapUpForm, CustomerForm, NoteForm
from crm.models import LIVE_STATES, Call, CannedText, Customer, DataRequest
from crm.services.customers import (
    DuplicateCustomer,
    EmailInput,
    PhoneInput,
    customer_access_record,
    customer_create,
    customer_update,
)
from crm.services.erasure import data_export_download
from crm.services.live_calls import (
    call_answer,
    call_notes_draft_save,
    call_set_customer,
    call_step,
    call_wrap_up,
    live_call_for,
)
from crm.services.merge import customer_merge
from crm.services.notes import note_create
from crm.services.outbound import consent_record, customer_do_not_call

TIMELINE_PAGE = 20


workspace_required = role_required(can_use_workspace, "The agent workspace is for agents, supervisors and managers.")


def _customer_or_404(request: AuthenticatedRequest, pk: int | str) -> Customer:
    customer = selectors.customer_get(actor=request.user, pk=pk)
    if customer is None:
        raise Http404("No such customer.")
    return customer


def _open_tickets(customer: Customer, actor: Actor) -> list[Any]:
    """What a call may be linked to: the customer's open tickets (from the ``customer_open_tickets`` hook)."""
    return [ticket for hook in app_hooks("customer_open_tickets") for ticket in hook(customer=customer, actor=actor)]


@login_required
@require_GET
def workspace(request: AuthenticatedRequest) -> HttpResponse:
    """The agent's start page: the search box and what needs doing. Other roles see their menu."""
    if not can_use_workspace(request.user):
        return render(request, "crm/workspace.html", {"panels": [], "menu_only": True})
    return render(request, "crm/workspace.html", {"panels": workspace_panels_for(actor=request.user)})


@login_required
@workspace_required
@require_GET
def customer_list(request: AuthenticatedRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    matches = selectors.customer_search(actor=request.user, query=query) if query else []
    if len(matches) == 1 and not request.htmx:
        # Enter in the search box with one match: the agent wants the customer, not a list of one.
        return redirect("crm:customer_detail", pk=matches[0].customer.pk)
    template = "crm/_search_results.html" if request.htmx else "crm/customer_list.html"
    return render(request, template, {"query": query, "matches": matches})


@login_required
@workspace_required
@require_GET
def customer_lookup(request: AuthenticatedRequest) -> HttpResponse:
    """Screen pop for a softphone: opens the customer page directly when exactly one customer matches."""
    phone = request.GET.get("phone", "")
    found = selectors.customer_lookup(actor=request.user, phone=phone, dialed=request.GET.get("dialed", ""))
    if len(found) == 1:
        return redirect("crm:customer_detail", pk=found[0].pk)
    # The screen pop's rows carry what the API shows; the list shows badges, program and organization.
    shown = selectors.customer_list_for_display(actor=request.user).in_bulk([customer.pk for customer in found])
    matches = [selectors.Match(shown[customer.pk], 100, "phone") for customer in found if customer.pk in shown]
    return render(request, "crm/customer_list.html", {"query": phone, "matches": matches, "lookup": True})


@login_required
@workspace_required
def customer_create_view(request: AuthenticatedRequest) -> HttpResponse:
    programs = list(program_list(actor=request.user))
    form = CustomerForm(request.POST or None, initial={"phone": request.GET.get("phone", "")})
    duplicates: list[Any] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        phones = [PhoneInput(number=n, is_primary=i == 0) for i, n in enumerate([data["phone"], data["phone_2"]]) if n]
        emails = [EmailInput(address=data["email"], is_primary=True)] if data["email"] else []
        try:
            program = program_for_new_record(actor=request.user, program=_int_or_none(request.POST.get("program")))
            customer, duplicates = customer_create(
                actor=request.user,
                program=program,
                name=data["name"],
                phones=phones,
                emails=emails,
                organization=data["organization"],
                allow_duplicate=data["confirm_duplicate"],
                **form.profile(),
            )
        except DuplicateCustomer as exc:
            # Shown with the form, which now asks the agent to confirm.
            duplicates = exc.duplicates
            confirmed = request.POST.copy()
            confirmed["confirm_duplicate"] = "on"
            form = CustomerForm(confirmed)
            form.is_valid()
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, f"Customer {customer.name} created.")
            return redirect("crm:customer_detail", pk=customer.pk)
    return render(request, "crm/customer_form.html", {"form": form, "programs": programs, "duplicates": duplicates})


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _add_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@login_required
@workspace_required
def customer_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    customer = _customer_or_404(request, pk)
    phones = [phone["number"] for phone in customer.phone_rows]  # type: ignore[attr-defined]
    emails = [email["address"] for email in customer.email_rows]  # type: ignore[attr-defined]
    initial = {
        "name": customer.name,
        "phone": phones[0] if phones else "",
        "phone_2": phones[1] if len(phones) > 1 else "",
        "email": emails[0] if emails else "",
        "organization": customer.organization.name if customer.organization else "",
        "preferred_language": customer.preferred_language,
        "time_zone": customer.time_zone,
        "tags": ", ".join(customer.tags),
        "vip": customer.vip,
        "marketing_consent": customer.marketing_consent,
        "do_not_call": customer.do_not_call,
    }
    form = CustomerForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        numbers = [data["phone"], data["phone_2"]]
        try:
            customer_update(
                actor=request.user,
                customer=customer,
                name=data["name"],
                phones=[PhoneInput(number=n, is_primary=i == 0) for i, n in enumerate(numbers) if n],
                emails=[EmailInput(address=data["email"], is_primary=True)] if data["email"] else [],
                organization=data["organization"],
                **form.profile(),
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, "Saved.")
            return redirect("crm:customer_detail", pk=customer.pk)
    return render(request, "crm/customer_form.html", {"form": form, "customer": customer})


@login_required
@workspace_required
@require_GET
def customer_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The 360 page. Its query count does not depend on the customer's history (pinned by a test). A merged
    customer's old number leads to the record it was merged into."""
    customer = selectors.customer_get(actor=request.user, pk=pk)
    if customer is None:
        survivor = selectors.customer_merged_into(actor=request.user, pk=pk)
        if survivor is None:
            raise Http404("No such customer.")
        messages.info(request, f"Customer #{pk} was merged into this record.")
        return HttpResponseRedirect(reverse("crm:customer_detail", args=[survivor]))
    customer_access_record(customer=customer, actor=request.user)
    timeline = timeline_for(customer=customer, actor=request.user, limit=TIMELINE_PAGE)
    context = {
        "customer": customer,
        "panels": panels_for(customer=customer, actor=request.user),
        "timeline": timeline,
        "more_before": timeline[-1].at.isoformat() if len(timeline) == TIMELINE_PAGE else "",
        "note_form": NoteForm(),
        "call_form": CallStartForm(initial={"phone_number": _primary_phone(customer)}),
    }
    return render(request, "crm/customer_detail.html", context)


def _primary_phone(customer: Customer) -> str:
    phones = customer.phone_rows  # type: ignore[attr-defined]
    return phones[0]["number"] if phones else ""


@login_required
@workspace_required
@require_GET
def customer_timeline(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    customer = _customer_or_404(request, pk)
    before = _before(request.GET.get("before", ""))
    timeline = timeline_for(customer=customer, actor=request.user, before=before, limit=TIMELINE_PAGE)
    return render(
        request,
        "crm/_timeline.html",
        {
            "customer": customer,
            "timeline": timeline,
            "more_before": timeline[-1].at.isoformat() if len(timeline) == TIMELINE_PAGE else "",
        },
    )


@login_required
@workspace_required
@require_POST
def note_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    customer = _customer_or_404(request, pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        note_create(
            actor=request.user, customer=customer, body=form.cleaned_data["body"], flag=form.cleaned_data["flag"]
        )
        messages.success(request, "Note added.")
    else:
        messages.error(request, "Write the note first.")
    # Back to the note box, ready for the next one (the page focuses what the fragment names).
    return HttpResponseRedirect(reverse("crm:customer_detail", args=[customer.pk]) + "#add-note")


@login_required
@workspace_required
@require_POST
def customer_do_not_call_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The customer asks not to be called: effective at once, for every number of theirs."""
    customer = _customer_or_404(request, pk)
    added = customer_do_not_call(actor=request.user, customer=customer)
    messages.success(request, f"{customer.name} will not be called ({added} number(s) on the do-not-call list).")
    return HttpResponseRedirect(reverse("crm:customer_detail", args=[customer.pk]))


@login_required
@workspace_required
@require_POST
def customer_consent_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    customer = _customer_or_404(request, pk)
    granted = request.POST.get("granted", "")
    if granted not in {"true", "false"}:
        raise ValidationError({"granted": ["Say whether the customer grants or withdraws it."]})
    record = consent_record(
        actor=request.user,
        customer=customer,
        purpose=request.POST.get("purpose", ""),
        granted=granted == "true",
        channel=request.POST.get("channel", ""),
        source=request.POST.get("source", ""),
    )
    messages.success(request, f"Recorded: {record}.")
    return HttpResponseRedirect(reverse("crm:customer_detail", args=[customer.pk]))


# --- The call bar: on every page while the agent has a live call ------------------------------


def call_bar_context(request: AuthenticatedRequest, call: Call | None) -> dict[str, Any]:
    """What the call bar shows: the call, the caller (or the matches for its number), the wrap-up form."""
    if call is None:
        return {"live_call": None}
    matches: list[Customer] = []
    if call.customer_id is None and call.phone_number:
        matches = [
            c
            for c in selectors.customer_lookup(actor=request.user, phone=call.phone_number)
            if c.program_id == call.program_id
        ][:5]
    open_tickets = _open_tickets(call.customer, request.user) if call.customer else []
    return {
        "live_call": call,
        "caller_matches": matches,
        "wrap_up_form": CallWrapUpForm(call=call, open_tickets=open_tickets, initial={"notes": call.notes_draft}),
    }


def _call_bar(request: AuthenticatedRequest, call: Call | None = None, *, status: int = 200) -> HttpResponse:
    if call is None or call.state not in LIVE_STATES:
        call = live_call_for(request.user)
    return render(request, "crm/_call_bar.html", call_bar_context(request, call), status=status)


def _after_call_action(request: AuthenticatedRequest, call: Call | None) -> HttpResponse:
    """htmx: the new call bar; a plain form post (no JavaScript): back to the page the agent was on."""
    if request.htmx:
        return _call_bar(request, call)
    return redirect_to_next(request)


def _live_call_or_404(request: AuthenticatedRequest, pk: int) -> Call:
    call = selectors.call_get(actor=request.user, pk=pk)
    if call is None or call.agent_id != request.user.pk:
        raise Http404("No such call of yours.")
    return call


@login_required
@workspace_required
@require_GET
def call_bar(request: AuthenticatedRequest) -> HttpResponse:
    """Fetched by the page when the push channel says the agent's call changed (the screen pop)."""
    return _call_bar(request)


@login_required
@workspace_required
@require_POST
def call_start(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    customer = _customer_or_404(request, pk)
    form = CallStartForm(request.POST)
    if not form.is_valid():
        raise ValidationError({"direction": ["Choose the call direction."]})
    call = call_answer(
        actor=request.user,
        customer=customer,
        direction=form.cleaned_data["direction"],
        phone_number=form.cleaned_data["phone_number"],
    )
    return _after_call_action(request, call)


@login_required
@workspace_required
@require_POST
def call_action(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Answer, hold, resume or hang up."""
    call = call_step(actor=request.user, call=_live_call_or_404(request, pk), event=request.POST.get("event", ""))
    return _after_call_action(request, call)


@login_required
@workspace_required
@require_POST
def call_notes(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The notes autosave (every few seconds while typing); answers 204."""
    call_notes_draft_save(actor=request.user, call=_live_call_or_404(request, pk), text=request.POST.get("notes", ""))
    return HttpResponse(status=204)


@login_required
@workspace_required
@require_POST
def call_caller(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The agent says which of the matching customers is calling."""
    call = _live_call_or_404(request, pk)
    customer = _customer_or_404(request, request.POST.get("customer", ""))
    return _after_call_action(request, call_set_customer(actor=request.user, call=call, customer=customer))


@login_required
@workspace_required
@require_POST
def call_wrap_up_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    call = _live_call_or_404(request, pk)
    open_tickets = _open_tickets(call.customer, request.user) if call.customer else []
    form = CallWrapUpForm(request.POST, call=call, open_tickets=open_tickets)
    if form.is_valid():
        data = form.cleaned_data
        try:
            call_wrap_up(
                actor=request.user,
                call=call,
                wrap_up_code=data["wrap_up_code"],
                first_contact_resolution=data["first_contact_resolution"],
                notes=data["notes"],
                ticket=data["ticket"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            if not request.htmx:
                messages.success(request, "Call logged.")
                return redirect_to_next(request)
            # The page stays; it says so, and the customer's history shows the call at once.
            return trigger_client_event(
                _call_bar(request, None),
                "switchboard:notice",
                {"message": "Call logged.", "customer": call.customer_id},
            )
    if not request.htmx:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return _after_call_action(request, call)
    context = {**call_bar_context(request, call), "wrap_up_form": form}
    # 200, not 422: htmx swaps it in, so the errors show beside the fields and nothing typed is lost.
    return render(request, "crm/_call_bar.html", context)


@login_required
@workspace_required
@require_GET
def call_side_panels(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The script and suggested articles beside the call, loaded when the agent opens them."""
    call = _live_call_or_404(request, pk)
    panels = panels_from("call_panels", call=call, actor=request.user)
    return render(request, "crm/_call_panels.html", {"call": call, "panels": panels})


@login_required
@workspace_required
@require_GET
def call_canned(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The note templates beside the call's notes, filled in for its customer (loaded when opened)."""
    call = _live_call_or_404(request, pk)
    values = selectors.canned_values(customer=call.customer, agent=request.user, program=call.program)
    texts = selectors.canned_texts(
        actor=request.user, program_id=call.program_id, kinds=[CannedText.Kind.NOTE], values=values
    )
    return render(request, "crm/_canned.html", {"texts": texts, "target": "call-notes"})


@login_required
@workspace_required
@require_GET
def call_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    call = selectors.call_get(actor=request.user, pk=pk)
    if call is None:
        raise Http404("No such call.")
    context: dict[str, Any] = {"call": call, "panels": panels_from("call_panels", call=call, actor=request.user)}
    return render(request, "crm/call_detail.html", context)


@login_required
@require_GET
def data_export(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """An admin downloads a finished export while it is valid; every download is audited."""
    if not is_admin(request.user):
        raise PermissionDenied("Only administrators download exports.")
    try:
        export = data_export_download(actor=request.user, pk=pk, request=request)
    except DataRequest.DoesNotExist as exc:
        raise Http404(str(exc)) from exc
    response = HttpResponse(json.dumps(export.export, indent=2), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="customer-{export.customer_id}-export.json"'
    return response


@login_required
@workspace_required
@require_POST
def customer_merge_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Folds the customer numbered in ``duplicate`` into this one (supervisors and up)."""
    survivor = _customer_or_404(request, pk)
    duplicate = selectors.customer_ref(actor=request.user, pk=request.POST.get("duplicate", ""))
    if duplicate is None:
        raise ValidationError({"duplicate": ["No such customer in your programs."]})
    moved = customer_merge(actor=request.user, survivor=survivor, duplicate=duplicate, request=request)
    records = sum(moved.values())
    messages.success(request, f"Customer #{duplicate.pk} merged into {survivor.name}: {records} records moved.")
    return HttpResponseRedirect(reverse("crm:customer_detail", args=[survivor.pk]))
