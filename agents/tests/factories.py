"""Factories for people and organisation; other apps' factories build on these."""

from __future__ import annotations

from typing import Any

import factory

from agents.models import Membership, Program, Role, Team, User
from agents.permissions import has_admin_site_access


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Program {n}")
    slug = factory.Sequence(lambda n: f"program-{n}")
    default_region = "US"
    time_zone = "America/New_York"


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Team {n}")
    slug = factory.Sequence(lambda n: f"team-{n}")

    @factory.post_generation
    def programs(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.programs.set(extracted)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.test")
    role = Role.AGENT
    time_zone = "UTC"
    password = factory.django.Password("correct-horse-battery")

    @factory.post_generation
    def teams(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            for team in extracted:
                Membership.objects.create(team=team, user=self)


def make_user(
    role: str, *, program: Program | None = None, team: Team | None = None, supervisor: bool = False, **kwargs: Any
) -> User:
    """A user of ``role`` serving ``program`` through ``team`` (created when not given)."""
    user = UserFactory(role=role, is_staff=has_admin_site_access(role=role, is_superuser=False), **kwargs)
    if role in {Role.ADMIN}:
        return user
    if program is not None or team is not None:
        if team is None:
            team = TeamFactory(programs=[program])
        Membership.objects.create(team=team, user=user, is_supervisor=supervisor)
    return user
