"""Who may read and change customers and calls: program membership plus role."""

from __future__ import annotations

from agents.models import Role
from agents.permissions import Actor, can_serve_program, can_use_workspace, is_admin, role_of
from crm.models import Call, Customer


def can_view_customer(actor: Actor | None, customer: Customer) -> bool:
    return can_serve_program(actor, customer.program_id) and customer.erased_at is None


def can_edit_customer(actor: Actor | None, customer: Customer) -> bool:
    return can_view_customer(actor, customer) and (can_use_workspace(actor) or role_of(actor) == "integrator")


def can_merge_customers(actor: Actor | None, customer: Customer) -> bool:
    """Folding a duplicate into another record changes what every agent sees: supervisors and up."""
    return can_view_customer(actor, customer) and role_of(actor) in {Role.SUPERVISOR, Role.MANAGER, Role.ADMIN}


def can_create_customer(actor: Actor | None, program_id: int | None) -> bool:
    return can_serve_program(actor, program_id) and (can_use_workspace(actor) or role_of(actor) == "integrator")


def can_add_note(actor: Actor | None, customer: Customer) -> bool:
    return can_edit_customer(actor, customer)


def can_log_call(actor: Actor | None, program_id: int | None) -> bool:
    return can_create_customer(actor, program_id)


def can_edit_call(actor: Actor | None, call: Call) -> bool:
    return can_serve_program(actor, call.program_id) and (can_use_workspace(actor) or role_of(actor) == "integrator")


def can_hear_call_recording(actor: Actor | None, call: Call) -> bool:
    """Recordings are for quality review: QA reviewers and admins of the call's program, and whoever an admin
    grants ``crm.view_call_recording`` (a speech-analytics integrator, a supervisor deciding disputes)."""
    if not can_serve_program(actor, call.program_id):
        return False
    if role_of(actor) in {Role.QA_REVIEWER, Role.ADMIN}:
        return True
    return bool(actor is not None and actor.has_perm("crm.view_call_recording"))


def can_manage_do_not_call(actor: Actor | None, program_id: int | None) -> bool:
    """Admins keep every list; an integrator (the client's list feed) keeps its programs' lists. The shared
    list binds every program: admins only. Agents add a customer's numbers by its request (one click)."""
    if program_id is None:
        return is_admin(actor)
    return can_serve_program(actor, program_id) and (is_admin(actor) or role_of(actor) == "integrator")
