"""Admins set each program's thresholds and targets (docs/metrics.md, "Targets")."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest

from agents.models import User
from agents.permissions import is_admin
from agents.services import audit_record
from config.errors import NotAllowed
from config.queue import enqueue_on_commit
from reports.models import ProgramTargets

THRESHOLDS = ("service_level_seconds", "short_abandon_seconds")
TARGETS = ("aht_seconds", "asa_seconds", "service_level", "abandon_rate", "fcr_rate", "csat", "qa_score")


def targets_save(
    *, actor: User, targets: ProgramTargets, changed: list[str], request: HttpRequest | None = None
) -> None:
    """Saves ``targets`` (validated by the caller's form), audits what changed, and when a threshold changed
    marks the program for a restatement that the rollup task carries out (the mark is the owed work)."""
    if not is_admin(actor):
        raise NotAllowed("Only administrators set targets.")
    with transaction.atomic():
        if set(changed) & set(THRESHOLDS):
            targets.restate_pending = True
        targets.save()
        audit_record(
            action="targets.change",
            actor=actor,
            obj=targets,
            program=targets.program_id,
            request=request,
            data={name: _plain(getattr(targets, name)) for name in changed if name in (*THRESHOLDS, *TARGETS)},
        )
        if targets.restate_pending:
            enqueue_on_commit("reports.metrics_rollup")


def _plain(value: Any) -> Any:
    return value if value is None or isinstance(value, int | float | str) else str(value)
