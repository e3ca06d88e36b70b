"""Who may read and change customers and calls: program membership plus role."""

from __future__ import annotations

from typing import Any

from agents.permissions import can_serve_program, can_use_workspace


def can_view_customer(actor: Any, customer: Any) -> bool:
    return can_serve_program(actor, customer.program_id) and customer.erased_at is None


def can_edit_customer(actor: Any, customer: Any) -> bool:
    return can_view_customer(actor, customer) and (can_use_workspace(actor) or actor.role == "integrator")


def can_create_customer(actor: Any, program_id: int | None) -> bool:
    return can_serve_program(actor, program_id) and (can_use_workspace(actor) or actor.role == "integrator")


def can_add_note(actor: Any, customer: Any) -> bool:
    return can_edit_customer(actor, customer)


def can_log_call(actor: Any, program_id: int | None) -> bool:
    return can_create_customer(actor, program_id)


def can_edit_call(actor: Any, call: Any) -> bool:
    return can_serve_program(actor, call.program_id) and (can_use_workspace(actor) or actor.role == "integrator")
