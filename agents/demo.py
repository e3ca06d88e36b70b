"""Demo programs, teams and one user per role (password ``switchboard-demo``)."""

from __future__ import annotations

from typing import Any, TextIO

from django.db import transaction

from agents.models import BreakReason, Membership, Program, ProgramPhoneNumber, Role, Team, User
from agents.permissions import has_admin_site_access, role_signs_in_with_password

DEMO_PASSWORD = "switchboard-demo"

PROGRAMS = [
    {"slug": "acme-bakery", "name": "Acme Bakery", "region": "US", "tz": "America/New_York", "number": "+18005550100"},
    {
        "slug": "northwind",
        "name": "Northwind Telecom",
        "region": "GB",
        "tz": "Europe/London",
        "number": "+442071838750",
    },
]

TEAMS: list[dict[str, Any]] = [
    {"slug": "acme-front", "name": "Acme front line", "programs": ["acme-bakery"], "languages": ["en", "es"]},
    {"slug": "acme-billing", "name": "Acme billing", "programs": ["acme-bakery"], "skills": ["billing"]},
    {"slug": "acme-tier2", "name": "Acme tier 2", "programs": ["acme-bakery"], "skills": ["technical"]},
    {"slug": "northwind-front", "name": "Northwind front line", "programs": ["northwind"], "languages": ["en"]},
]

# username, role, first, last, time zone, languages, teams [(slug, is_supervisor)], direct programs
USERS = [
    ("agent", Role.AGENT, "Alex", "Agent", "America/New_York", ["en", "es"], [("acme-front", False)], []),
    ("billing_agent", Role.AGENT, "Bea", "Billing", "America/New_York", ["en"], [("acme-billing", False)], []),
    (
        "supervisor",
        Role.SUPERVISOR,
        "Sam",
        "Supervisor",
        "America/New_York",
        ["en"],
        [("acme-front", True), ("acme-billing", True), ("acme-tier2", True)],
        [],
    ),
    ("manager", Role.MANAGER, "Morgan", "Manager", "America/Chicago", ["en"], [("acme-front", False)], ["acme-bakery"]),
    ("knowledge_manager", Role.KNOWLEDGE_MANAGER, "Kim", "Knowledge", "UTC", ["en", "es"], [], ["acme-bakery"]),
    ("knowledge_manager_b", Role.KNOWLEDGE_MANAGER, "Kai", "Reviewer", "UTC", ["en"], [], ["acme-bakery"]),
    ("qa_reviewer", Role.QA_REVIEWER, "Quinn", "Quality", "America/New_York", ["en"], [], ["acme-bakery"]),
    ("admin", Role.ADMIN, "Ada", "Admin", "UTC", ["en"], [], []),
    ("integrator", Role.INTEGRATOR, "Acme", "Telephony", "UTC", [], [], ["acme-bakery"]),
    ("agent_b", Role.AGENT, "Blake", "Northwind", "Europe/London", ["en"], [("northwind-front", False)], []),
]
# What each demo agent is trained for (routing: a category needing a skill goes to an agent who has it).
SKILLS = {"agent": ["orders"], "billing_agent": ["billing"], "supervisor": ["billing", "technical"]}

BREAK_REASONS = {
    "acme-bakery": [("lunch", "Lunch"), ("coffee", "Coffee"), ("coaching", "Coaching"), ("training", "Training")],
    "northwind": [("lunch", "Lunch"), ("team-meeting", "Team meeting"), ("system-down", "System down")],
}


def demo_logins() -> list[tuple[str, str]]:
    """Who to sign in as, with what they are; a service account says how it is used instead."""
    return [
        (
            username,
            role.label if role_signs_in_with_password(role) else f"{role.label}: API token only (create_api_token)",
        )
        for username, role, *_ in USERS
    ]


@transaction.atomic
def seed(*, scale: int, stdout: TextIO, tickets: int = 0) -> None:
    programs: dict[str, Program] = {}
    for spec in PROGRAMS:
        program, _ = Program.objects.update_or_create(
            slug=spec["slug"],
            defaults={"name": spec["name"], "default_region": spec["region"], "time_zone": spec["tz"]},
        )
        ProgramPhoneNumber.objects.get_or_create(
            number=spec["number"], defaults={"program": program, "label": "Main line"}
        )
        programs[spec["slug"]] = program

    teams: dict[str, Team] = {}
    for team_spec in TEAMS:
        team, _ = Team.objects.update_or_create(
            slug=team_spec["slug"],
            defaults={
                "name": team_spec["name"],
                "languages": team_spec.get("languages", []),
                "skills": team_spec.get("skills", []),
            },
        )
        team.programs.set([programs[slug] for slug in team_spec["programs"]])
        teams[team_spec["slug"]] = team
    # Each program's own break reasons (the agent's state menu offers them).
    for slug, reasons in BREAK_REASONS.items():
        for code, label in reasons:
            BreakReason.objects.get_or_create(program=programs[slug], code=code, defaults={"label": label})
    # Tickets nobody routes elsewhere land in each program's front line.
    for slug, team_slug in (("acme-bakery", "acme-front"), ("northwind", "northwind-front")):
        Program.objects.filter(pk=programs[slug].pk).update(default_team=teams[team_slug])

    for username, role, first, last, tz, languages, memberships, direct in USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username)
            user.set_password(DEMO_PASSWORD)
        user.role = role
        user.first_name, user.last_name = first, last
        user.email = f"{username}@switchboard.example"
        user.time_zone, user.languages = tz, languages
        user.skills = SKILLS.get(username, [])
        user.is_staff = has_admin_site_access(role=role, is_superuser=user.is_superuser)
        user.is_superuser = role == Role.ADMIN
        user.save()
        for team_slug, is_supervisor in memberships:
            Membership.objects.update_or_create(
                team=teams[team_slug], user=user, defaults={"is_supervisor": is_supervisor}
            )
        user.programs.set([programs[slug] for slug in direct])
    stdout.write(f"  people: {len(PROGRAMS)} programs, {len(TEAMS)} teams, {len(USERS)} demo users\n")
