"""Who may read and change customers and calls: program membership plus role."""

from __future__ import annotations

from agents.permissions import Actor, can_serve_program, can_use_workspace, role_of
from crm.models import Call, Customer


def can_view_customer(actor: Actor | None, customer: Customer) -> bool:
    return can_serve_program(actor, customer.program_id) and customer.erased_at is None


def can_edit_customer(actor: Actor | None, customer: Customer) -> bool:
    return can_view_customer(actor, customer) and (can_use_workspace(actor) or role_of(actor) == "integrator")


def can_create_customer(actor: Actor | None, program_id: int | None) -> bool:
    return can_serve_program(actor, program_id) and (can_use_workspace(actor) or role_of(actor) == "integrator")


def can_add_note(actor: Actor | None, customer: Customer) -> bool:
    return can_edit_customer(actor, customer)


def can_log_call(actor: Actor | None, program_id: int | None) -> bool:
    return can_create_customer(actor, program_id)


def can_edit_call(actor: Actor | None, call: Call) -> bool:
    return can_serve_program(actor, call.program_id) and (can_use_workspace(actor) or role_of(actor) == "integrator")
