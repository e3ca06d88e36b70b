"""Where new work goes: which team's queue, and which agent when one should have it now.

The rule, for tickets and for callbacks nobody was named for:

Team: the one asked for; else the category's; else a team of the customer's preferred agent in the program;
else, when the work has a language or needs skills the default team does not list, the program's first team
that lists them all; else the program's default team (or its only team).

Agent, in that team:
1. the customer's preferred agent, when available now (agent states): the customer asked for them;
2. the agent who took the call the work comes from: the caller's matter stays with them;
3. the available agent who speaks the language and has every skill the category needs, the one available
   the longest;
4. nobody: the team's queue.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from agents.models import Program, Team, User
from agents.selectors import available_agent


@dataclass(frozen=True)
class Route:
    team: Team
    agent: User | None
    why: str  # the ticket history's note: "preferred agent", "took the call", "available, speaks es"


def route(
    *,
    program: Program,
    team: Team | None = None,
    category: Any = None,
    customer: Any = None,
    language: str = "",
    taken_by: User | None = None,
) -> Route:
    """The team and agent for new work (the module's rule). Raises a ValidationError naming ``team`` when the
    program has no team to route to."""
    preferred = getattr(customer, "preferred_agent", None) if customer is not None else None
    if preferred is not None and not preferred.is_active:
        preferred = None
    skills = list(category.skills) if category is not None else []
    team = team or (category.team if category is not None else None)
    if team is None and preferred is not None:
        team = _serving(program).filter(memberships__user=preferred).first()
    default = program.default_team if program.default_team_id else None
    if team is None and (language or skills) and not _serves(default, language, skills):
        needs = {"languages__contains": [language]} if language else {}
        team = _serving(program).filter(**needs, skills__contains=skills).first()
    team = team or default
    if team is None:
        only = list(_serving(program)[:2])
        team = only[0] if len(only) == 1 else None
    if team is None:
        raise ValidationError(
            {"team": [f"{program.name} has no default team: choose a team, or ask an admin to set one."]}
        )
    if preferred is not None and available_agent(team_ids=[team.pk], only=preferred.pk) is not None:
        return Route(team, preferred, "preferred agent")
    if taken_by is not None and team.memberships.filter(user=taken_by).exists():
        return Route(team, taken_by, "took the call")
    agent = available_agent(team_ids=[team.pk], language=language, skills=skills)
    if agent is not None:
        needs_said = [f"speaks {language}"] if language else []
        needs_said += [f"has {', '.join(skills)}"] if skills else []
        return Route(team, agent, ", ".join(["available", *needs_said]))
    return Route(team, None, "")


def _serving(program: Program) -> QuerySet[Team]:
    """The program's active teams. Built only when asked: most tickets go to the program's default team."""
    return Team.objects.filter(programs=program, is_active=True).order_by("id")


def _serves(team: Team | None, language: str, skills: list[str]) -> bool:
    """Whether ``team`` lists the language and skills (a team that lists no languages takes any)."""
    if team is None:
        return False
    speaks = not language or not team.languages or language in team.languages
    return speaks and set(skills) <= set(team.skills)
