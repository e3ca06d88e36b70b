"""Knowledge base screens: search as you type, read, give feedback; curate, review, publish, compare versions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agents.decorators import role_required
from agents.http import AuthenticatedRequest
from agents.permissions import can_edit_knowledge
from crm.selectors import call_get, customer_get
from knowledge import selectors
from knowledge.diff import DiffRow, side_by_side, version_text
from knowledge.models import LANGUAGES, Article
from knowledge.rendering import render_markdown
from knowledge.services import articles as services
from knowledge.services.search import article_search_logged, search_log_click
from tickets.selectors import ticket_get

km_required = role_required(can_edit_knowledge, "Only knowledge managers curate the knowledge base.")


def _article_or_404(request: AuthenticatedRequest, slug: str) -> Article:
    article = selectors.article_get(actor=request.user, slug=slug)
    if article is None:
        raise Http404("No such article.")
    return article


@login_required
@require_GET
def article_list(request: AuthenticatedRequest) -> HttpResponse:
    params = {key: request.GET.get(key, "") for key in ("q", "topic", "tag", "language", "audience")}
    hits = (
        article_search_logged(
            actor=request.user,
            query=params["q"],
            topic=params["topic"],
            tag=params["tag"],
            language=params["language"],
            audience=params["audience"],
        )
        if params["q"]
        else []
    )
    context: dict[str, Any] = {"hits": hits, "params": params, "languages": LANGUAGES, **_working_on(request)}
    if request.htmx:
        return render(request, "knowledge/_results.html", context)
    if can_edit_knowledge(request.user):
        context["all_articles"] = selectors.article_list_for_editors(actor=request.user)
    else:
        context["recent"] = selectors.article_recent(actor=request.user)
    context["topics"] = selectors.article_topics(actor=request.user)
    return render(request, "knowledge/article_list.html", context)


def _working_on(request: AuthenticatedRequest) -> dict[str, Any]:
    """The ticket or call the agent came from (``?ticket=`` / ``?call=``), kept through the search so the
    article found can be linked back to it in one action."""
    ticket = ticket_get(actor=request.user, pk=request.GET["ticket"]) if request.GET.get("ticket") else None
    call = call_get(actor=request.user, pk=request.GET["call"]) if request.GET.get("call") and not ticket else None
    return {"ticket": ticket, "call": call}


@login_required
@require_GET
def article_detail(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    article = _article_or_404(request, slug)
    customer = customer_get(actor=request.user, pk=request.GET.get("customer") or 0)
    if customer is not None:
        localized = selectors.article_in_language(
            article=article, actor=request.user, language=customer.preferred_language
        )
        if localized.pk != article.pk:
            return redirect(f"/kb/{localized.slug}/?customer={customer.pk}")
    if request.GET.get("q"):
        # The agent opened this from a search: the article was "found".
        search_log_click(actor=request.user, query=request.GET["q"], article=article)
    draft = getattr(article, "draft", None) if can_edit_knowledge(request.user) else None
    context = {
        "article": article,
        "html": mark_safe(render_markdown(article.body)),  # noqa: S308 - sanitised by nh3
        "draft": draft,
        "draft_html": mark_safe(render_markdown(draft.body)) if draft else "",  # noqa: S308 - sanitised
        "translations": selectors.article_translations(article=article, actor=request.user),
        **_working_on(request),
        "is_km": can_edit_knowledge(request.user),
    }
    return render(request, "knowledge/article_detail.html", context)


def _steps_from(text: str) -> list[dict[str, str]]:
    """One step per line; "check:" or "if ..." lines are checks and branches."""
    steps = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        kind = "check" if line.lower().startswith("check:") else ("branch" if line.lower().startswith("if ") else "say")
        steps.append({"kind": kind, "text": line.split(":", 1)[1].strip() if kind == "check" else line})
    return steps


EDITOR_FIELDS = ("title", "summary", "body", "kind", "language", "audience", "topic", "tags", "change_note")


@km_required
def article_edit(request: AuthenticatedRequest, slug: str | None = None) -> HttpResponse:
    """Write or revise an article. "Preview" renders what was typed without saving it; a refused save shows
    the errors above what was typed (nothing is lost)."""
    article = _article_or_404(request, slug) if slug else None
    source: Any = getattr(article, "draft", None) or article
    steps_text = "\n".join(
        ("check: " if s["kind"] == "check" else "") + s["text"] for s in (getattr(source, "steps", None) or [])
    )
    errors: list[str] = []
    preview_html = ""
    if request.method == "POST":
        data = request.POST
        source, steps_text = {key: data.get(key, "") for key in EDITOR_FIELDS}, data.get("steps", "")
        if "preview" in data:
            preview_html = mark_safe(render_markdown(source["body"]))  # noqa: S308 - sanitised by nh3
        else:
            saved = _save_article(request, article, data)
            if isinstance(saved, Article):
                messages.success(request, "Draft saved.")
                return redirect("knowledge:article_detail", slug=saved.slug)
            errors = saved
    kind = article.kind if article else (source or {}).get("kind") or Article.Kind.ARTICLE
    context = {
        "article": article,
        "source": source,
        "kind": kind,
        "kinds": Article.Kind.choices,
        "steps_text": steps_text,
        "errors": errors,
        "languages": LANGUAGES,
        "preview_html": preview_html,
    }
    return render(request, "knowledge/article_form.html", context, status=400 if errors else 200)


def _save_article(request: AuthenticatedRequest, article: Article | None, data: Any) -> Article | list[str]:
    """The article saved (created, or its draft revised), or the reasons it was refused."""
    kind = article.kind if article else data.get("kind", Article.Kind.ARTICLE)
    # Steps belong to scripts: an article's editor has no steps field, and any sent are ignored.
    steps = _steps_from(data.get("steps", "")) if kind == Article.Kind.SCRIPT else []
    try:
        if article is None:
            return services.article_create(
                actor=request.user,
                title=data.get("title", ""),
                summary=data.get("summary", ""),
                body=data.get("body", ""),
                kind=kind,
                steps=steps,
                language=data.get("language", "en"),
                audience=data.get("audience", "internal"),
                topic=data.get("topic", ""),
                tags=[t.strip() for t in data.get("tags", "").split(",") if t.strip()],
            )
        services.article_edit(
            actor=request.user,
            article=article,
            title=data.get("title", ""),
            summary=data.get("summary", ""),
            body=data.get("body", ""),
            steps=steps,
            change_note=data.get("change_note", ""),
        )
    except ValidationError as exc:
        return list(exc.messages)
    return article


@km_required
@require_POST
def article_workflow(request: AuthenticatedRequest, slug: str, action: str) -> HttpResponse:
    article = _article_or_404(request, slug)
    try:
        if action == "submit":
            services.article_submit(actor=request.user, article=article)
            messages.success(request, "Sent for review.")
        elif action == "send-back":
            services.article_send_back(actor=request.user, article=article, comment=request.POST.get("comment", ""))
            messages.success(request, "Sent back to the author.")
        elif action == "publish":
            version = services.article_publish(actor=request.user, article=article)
            messages.success(request, f"Published version {version.number}.")
        elif action == "archive":
            services.article_archive(actor=request.user, article=article)
            messages.success(request, "Archived.")
        else:
            raise Http404
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("knowledge:article_detail", slug=article.slug)


@km_required
@require_http_methods(["GET", "POST"])
def article_versions(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    """The versions, and a comparison of two of them. Compare is a POST: the choice stays in the form, and
    nothing (the CSRF token least of all) goes into the URL."""
    article = _article_or_404(request, slug)
    versions = list(selectors.article_versions(article=article))
    by_number = {str(v.number): v for v in versions}
    # Preselected: the newest version against the one before it.
    chosen = {"a": versions[1].number if len(versions) > 1 else None, "b": versions[0].number if versions else None}
    rows: list[DiffRow] | None = None
    error = ""
    if request.method == "POST":
        a, b = request.POST.get("a", ""), request.POST.get("b", "")
        chosen = {"a": int(a) if a in by_number else None, "b": int(b) if b in by_number else None}
        if a not in by_number or b not in by_number:
            error = "Choose a version in each column (From and To) to compare."
        elif a == b:
            error = "Choose two different versions to compare."
        else:
            rows = side_by_side(version_text(by_number[a]), version_text(by_number[b]))
    context = {"article": article, "versions": versions, "chosen": chosen, "rows": rows, "error": error}
    return render(request, "knowledge/versions.html", context, status=400 if error else 200)


@km_required
@require_POST
def article_restore(request: AuthenticatedRequest, slug: str, number: int) -> HttpResponse:
    article = _article_or_404(request, slug)
    version = selectors.article_version_get(article=article, number=number)
    if version is None:
        raise Http404("No such version.")
    services.article_restore_version(actor=request.user, article=article, version=version)
    messages.success(request, f"Version {number} restored as a new draft.")
    return redirect("knowledge:article_detail", slug=article.slug)


@login_required
@require_POST
def article_feedback(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    article = _article_or_404(request, slug)
    services.article_feedback(
        actor=request.user,
        article=article,
        helpful=request.POST.get("helpful") == "yes",
        comment=request.POST.get("comment", ""),
    )
    if request.htmx:
        return HttpResponse('<p class="msg msg-success" data-feedback-thanks>Thanks for the feedback.</p>')
    messages.success(request, "Thanks for the feedback.")
    return redirect("knowledge:article_detail", slug=article.slug)


@login_required
@require_POST
def article_link(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    article = _article_or_404(request, slug)
    ticket = ticket_get(actor=request.user, pk=request.POST.get("ticket") or 0)
    call = call_get(actor=request.user, pk=request.POST.get("call") or 0)
    services.article_use(actor=request.user, article=article, ticket=ticket, call=call)
    if ticket is not None:
        messages.success(request, f"“{article.title}” linked to {ticket.number}.")
        return redirect("tickets:ticket_detail", pk=ticket.pk)
    messages.success(request, f"“{article.title}” linked to the call.")
    if call is not None and call.customer_id:
        return redirect("crm:customer_detail", pk=call.customer_id)
    return redirect("knowledge:article_detail", slug=article.slug)


@login_required
def script_run(request: AuthenticatedRequest, slug: str, call_pk: int) -> HttpResponse:
    article = _article_or_404(request, slug)
    call = call_get(actor=request.user, pk=call_pk)
    if call is None or article.kind != Article.Kind.SCRIPT:
        raise Http404("No such script or call.")
    run = selectors.script_run_get(article=article, call=call)
    if request.method == "POST":
        run = services.script_tick(actor=request.user, article=article, call=call, ticked=request.POST.getlist("step"))
        if request.htmx:
            return HttpResponse(f'<span data-ticked="{len(run.ticked)}">{len(run.ticked)} steps saved</span>')
    ticked = set(run.ticked) if run else set()
    return render(request, "knowledge/script_run.html", {"article": article, "call": call, "ticked": ticked})


@km_required
@require_GET
def knowledge_report(request: AuthenticatedRequest) -> HttpResponse:
    return render(request, "knowledge/report.html", selectors.knowledge_report(actor=request.user))
