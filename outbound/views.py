"""Campaign pages: the list, a campaign's progress (supervisors load its list and start or stop it), and the
agent's preview-dialling page (next contact, call, outcome), all by keyboard."""

from __future__ import annotations

import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agents.decorators import role_required
from agents.http import AuthenticatedRequest
from agents.permissions import can_use_workspace
from agents.selectors import program_list
from crm.services.outbound import local_zones
from knowledge.selectors import published_scripts
from outbound import permissions, selectors
from outbound.forms import CampaignForm, ContactFileForm, OutcomeForm
from outbound.models import CAMPAIGN_TRANSITIONS, Campaign, CampaignStatus
from outbound.services import (
    campaign_create,
    campaign_import_contacts,
    campaign_next,
    campaign_set_status,
    contact_outcome,
    contact_rows_from_csv,
)

front_line = role_required(can_use_workspace, "Campaigns are worked by agents, supervisors and managers.")
# Contacts shown on a campaign's page (the API pages through all of them).
CONTACTS_SHOWN = 50


def _campaign_or_404(request: AuthenticatedRequest, pk: int) -> Campaign:
    campaign = selectors.campaign_get(actor=request.user, pk=pk)
    if campaign is None:
        raise Http404("No such campaign.")
    return campaign


@front_line
@require_GET
def campaign_list_view(request: AuthenticatedRequest) -> HttpResponse:
    campaigns = list(selectors.campaign_list_open(actor=request.user))
    manages = any(permissions.can_manage_campaigns(request.user, p.pk) for p in program_list(actor=request.user))
    return render(request, "outbound/campaign_list.html", {"campaigns": campaigns, "manages": manages})


@front_line
@require_http_methods(["GET", "POST"])
def campaign_new(request: AuthenticatedRequest) -> HttpResponse:
    """A supervisor, manager or admin sets a campaign up; it starts as a draft, to load its list first."""
    programs = selectors.programs_managed(actor=request.user)
    if not programs.exists():
        raise PermissionDenied("Supervisors, managers and admins set campaigns up.")
    form = CampaignForm(request.POST or None, programs=programs, scripts=published_scripts(actor=request.user))
    if request.method == "POST" and form.is_valid():
        try:
            campaign = campaign_create(actor=request.user, program=form.cleaned_data["program"], **form.settings())
        except ValidationError as exc:
            for field, problems in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            messages.success(request, "Campaign created as a draft: load its contacts, then start it.")
            return redirect("outbound:campaign_detail", pk=campaign.pk)
    return render(request, "outbound/campaign_form.html", {"form": form}, status=400 if form.errors else 200)


@front_line
@require_GET
def campaign_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    campaign = _campaign_or_404(request, pk)
    manages = permissions.can_manage_campaigns(request.user, campaign.program_id)
    context = {
        "campaign": campaign,
        "manages": manages,
        "progress": selectors.campaign_progress(campaign=campaign) if manages else None,
        "contacts": list(selectors.campaign_contacts(campaign=campaign)[:CONTACTS_SHOWN]) if manages else [],
        "upload": ContactFileForm(),
        "moves": [s for s in CampaignStatus if s in _moves(campaign)],
    }
    return render(request, "outbound/campaign_detail.html", context)


def _moves(campaign: Campaign) -> frozenset[str]:
    return CAMPAIGN_TRANSITIONS.get(campaign.status, frozenset())


@front_line
@require_POST
def campaign_status_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    campaign = campaign_set_status(
        actor=request.user, campaign=_campaign_or_404(request, pk), status=request.POST.get("status", "")
    )
    messages.success(request, f"The campaign is {campaign.get_status_display().lower()}.")
    return redirect("outbound:campaign_detail", pk=pk)


@front_line
@require_POST
def campaign_import_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    campaign = _campaign_or_404(request, pk)
    if not permissions.can_manage_campaigns(request.user, campaign.program_id):
        raise PermissionDenied("Supervisors, managers and admins load campaign lists.")
    form = ContactFileForm(request.POST, request.FILES)
    if not form.is_valid():
        raise ValidationError({"file": ["Choose a CSV file."]})
    try:
        text = io.TextIOWrapper(form.cleaned_data["file"].file, encoding="utf-8-sig", newline="")
        rows = contact_rows_from_csv(text)
    except UnicodeDecodeError as exc:
        raise ValidationError({"file": ["Save the file as UTF-8 CSV."]}) from exc
    report = campaign_import_contacts(actor=request.user, campaign=campaign, rows=rows)
    if not report.ok:
        return render(request, "outbound/import_report.html", {"campaign": campaign, "report": report}, status=400)
    messages.success(
        request,
        f"{report.added} contacts added ({report.matched} existing customers found by their number, "
        f"{report.merged} lines merged).",
    )
    return redirect("outbound:campaign_detail", pk=pk)


@front_line
def campaign_work(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Preview dialling: POST asks for the next contact; the page shows the contact held and its outcome form."""
    campaign = _campaign_or_404(request, pk)
    if not permissions.can_work_campaign(request.user, campaign):
        raise PermissionDenied("You do not work this program's campaigns.")
    if request.method == "POST":
        contact = campaign_next(actor=request.user, campaign=campaign)
        if contact is None:
            messages.info(request, "Nobody may be called now: try again later.")
        return redirect("outbound:campaign_work", pk=pk)
    contact = selectors.contact_held(actor=request.user, campaign=campaign)
    local = None
    if contact is not None:
        zone = local_zones(contact.customer, contact.phone, program=campaign.program)[0]
        local = {"time": timezone.now().astimezone(zone), "zone": zone.key}
    return render(
        request,
        "outbound/campaign_work.html",
        {"campaign": campaign, "contact": contact, "local": local, "form": OutcomeForm()},
    )


@front_line
@require_POST
def contact_outcome_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    campaign = _campaign_or_404(request, pk)
    contact = selectors.contact_held(actor=request.user, campaign=campaign)
    if contact is None:
        raise Http404("You hold no contact in this campaign.")
    form = OutcomeForm(request.POST)
    if not form.is_valid():
        raise ValidationError({"outcome": ["Choose what came of the call."]})
    contact_outcome(
        actor=request.user, contact=contact, outcome=form.cleaned_data["outcome"], note=form.cleaned_data["note"]
    )
    messages.success(request, "Saved. Ask for the next contact when you are ready.")
    return redirect("outbound:campaign_work", pk=pk)
