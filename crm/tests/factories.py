"""Factories for customers and calls."""

from __future__ import annotations

import factory
from django.utils import timezone

from agents.tests.factories import ProgramFactory
from crm.models import Call, CallDirection, Customer, CustomerEmail, CustomerPhone, Note


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    program = factory.SubFactory(ProgramFactory)
    name = factory.Faker("name")
    time_zone = "America/New_York"


class CustomerPhoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CustomerPhone

    customer = factory.SubFactory(CustomerFactory)
    number = factory.Sequence(lambda n: f"+1415555{n % 10000:04d}")
    is_primary = True


class CustomerEmailFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CustomerEmail

    customer = factory.SubFactory(CustomerFactory)
    address = factory.Sequence(lambda n: f"person{n}@example.com")
    is_primary = True


class NoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Note

    customer = factory.SubFactory(CustomerFactory)
    body = "Asked about delivery times."


class CallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Call

    customer = factory.SubFactory(CustomerFactory)
    program = factory.SelfAttribute("customer.program")
    direction = CallDirection.INBOUND
    started_at = factory.LazyFunction(timezone.now)
    notes = "Routine call."


def customer_with_phone(program, number: str = "+14155550100", **kwargs) -> Customer:
    customer = CustomerFactory(program=program, **kwargs)
    CustomerPhoneFactory(customer=customer, number=number)
    return customer
