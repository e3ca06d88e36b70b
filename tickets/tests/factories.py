from __future__ import annotations

import factory

from agents.tests.factories import ProgramFactory, TeamFactory
from tickets.models import Category, SlaPolicy, Ticket


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    program = factory.SubFactory(ProgramFactory)
    name = factory.Sequence(lambda n: f"Category {n}")


class SlaPolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SlaPolicy

    program = factory.SubFactory(ProgramFactory)
    priority = "normal"
    first_response_minutes = 60
    resolution_minutes = 240


class TicketFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ticket

    program = factory.SubFactory(ProgramFactory)
    team = factory.LazyAttribute(lambda ticket: TeamFactory(programs=[ticket.program]))
    number = factory.Sequence(lambda n: f"SB-T{n:05d}")
    subject = factory.Sequence(lambda n: f"Ticket subject {n}")
