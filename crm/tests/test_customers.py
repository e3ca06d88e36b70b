"""Customer records, search, the screen pop and the 360 page, as an agent experiences them."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from crm import selectors
from crm.models import Customer, CustomerAccess, NoteFlag
from crm.services.customers import EmailInput, PhoneInput, customer_create, customer_update
from crm.services.notes import note_create
from crm.tests.factories import CallFactory, CustomerEmailFactory, NoteFactory, customer_with_phone

pytestmark = pytest.mark.django_db


def test_create_normalizes_phones_and_keeps_one_primary(world):
    customer, duplicates = customer_create(
        actor=world.agent,
        program=world.program_a,
        name="Maria Garcia",
        phones=[PhoneInput("(415) 555-0100"), PhoneInput("415.555.0101", is_primary=True), PhoneInput("+14155550100")],
        emails=[EmailInput("Maria@Example.com")],
    )
    assert duplicates == []
    numbers = {p.number: p.is_primary for p in customer.phones.all()}
    assert numbers == {"+14155550100": False, "+14155550101": True}
    assert [e.address for e in customer.emails.all()] == ["maria@example.com"]


def test_duplicate_phone_or_email_is_reported_in_the_same_program_only(world):
    existing = customer_with_phone(world.program_a, "+14155550100")
    CustomerEmailFactory(customer=existing, address="dup@example.com")
    customer_with_phone(world.program_b, "+14155550177")
    _, duplicates = customer_create(
        actor=world.agent, program=world.program_a, name="New", phones=[PhoneInput("415 555 0100")]
    )
    assert [d.customer for d in duplicates] == [existing]
    assert duplicates[0].reasons == ["phone +14155550100"]
    with pytest.raises(ValidationError, match="Possible duplicate"):
        customer_create(
            actor=world.agent,
            program=world.program_a,
            name="Again",
            emails=[EmailInput("DUP@example.com")],
            allow_duplicate=False,
        )
    _, none = customer_create(
        actor=world.agent_b, program=world.program_b, name="Other", phones=[PhoneInput("+1 415 555 0100")]
    )
    assert none == []


def test_bad_phone_names_the_field(world):
    with pytest.raises(ValidationError) as excinfo:
        customer_create(actor=world.agent, program=world.program_a, name="X", phones=[PhoneInput("call me maybe")])
    assert "phones" in excinfo.value.message_dict


def test_update_replaces_contact_points_and_audits_field_names(world):
    customer = customer_with_phone(world.program_a)
    customer_update(actor=world.agent, customer=customer, vip=True, phones=[PhoneInput("415-555-0199")])
    customer.refresh_from_db()
    assert customer.vip
    assert [p.number for p in customer.phones.all()] == ["+14155550199"]
    from agents.models import AuditEvent

    event = AuditEvent.objects.filter(action="customer.update").latest("id")
    assert set(event.data["fields"]) == {"vip", "phones"}
    assert "0199" not in str(event.data)


def test_search_finds_by_any_format_partial_digits_name_email_and_ticket(world):
    maria = customer_with_phone(world.program_a, "+14155550100", name="Maria Garcia")
    CustomerEmailFactory(customer=maria, address="maria.garcia@example.com")
    customer_with_phone(world.program_a, "+14155559999", name="Mario Gardner")
    hidden = customer_with_phone(world.program_b, "+14155550100", name="Maria Garcia")

    def first(query):
        return [m.customer for m in selectors.customer_search(actor=world.agent, query=query)]

    assert first("(415) 555-0100") == [maria]
    assert first("0100") == [maria]
    assert first("maria.garcia@example.com") == [maria]
    assert first("Maria Garcia")[0] == maria
    assert first("Maira Garcia")[0] == maria, "a typo still finds the customer"
    assert hidden not in first("Maria")

    from tickets.models import Ticket

    Ticket.objects.create(
        number="SB-10432", subject="Late order", program=world.program_a, team=world.team_a, customer=maria
    )
    assert first("SB-10432") == [maria]
    assert first("10432") == [maria]


def test_new_customer_form_warns_of_a_duplicate_and_creates_it_once_confirmed(client, world):
    existing = customer_with_phone(world.program_a, "+14155550100", name="Maria Garcia")
    client.force_login(world.agent)
    form = {"name": "M. Garcia", "phone": "415.555.0100", "preferred_language": "en", "time_zone": "UTC"}
    page = client.post(reverse("crm:customer_create"), form)
    assert page.status_code == 200
    assert "Possible duplicate" in page.content.decode()
    assert [d.customer for d in page.context["duplicates"]] == [existing]
    assert page.context["duplicates"][0].reasons == ["phone +14155550100"]
    assert not Customer.objects.filter(name="M. Garcia").exists()
    created = client.post(reverse("crm:customer_create"), {**form, "confirm_duplicate": "on"})
    assert created.status_code == 302
    assert Customer.objects.get(name="M. Garcia").phones.get().number == "+14155550100"


def test_lookup_uses_dialed_number_to_pick_program(world):
    from agents.models import ProgramPhoneNumber

    ProgramPhoneNumber.objects.create(program=world.program_a, number="+18005550100")
    a = customer_with_phone(world.program_a, "+14155550100")
    world.agent.programs.add(world.program_b)
    from agents.permissions import forget_served_programs

    forget_served_programs(world.agent)
    b = customer_with_phone(world.program_b, "+14155550100")
    assert set(selectors.customer_lookup(actor=world.agent, phone="415 555 0100")) == {a, b}
    assert selectors.customer_lookup(actor=world.agent, phone="415 555 0100", dialed="1-800-555-0100") == [a]


def test_web_lookup_opens_the_single_match(client, world):
    customer = customer_with_phone(world.program_a, "+14155550100")
    client.force_login(world.agent)
    response = client.get(reverse("crm:customer_lookup"), {"phone": "415.555.0100"})
    assert response.status_code == 302
    assert response["Location"] == reverse("crm:customer_detail", args=[customer.pk])
    assert client.get(reverse("crm:customer_lookup"), {"phone": "415.555.0111"}).status_code == 200


def test_web_lookup_lists_several_matches_with_their_flags(client, world, django_assert_max_num_queries):
    from crm.models import Organization

    shared = "+14155550100"
    flagged = customer_with_phone(world.program_a, shared, name="Ana Flagged")
    NoteFactory(customer=flagged, flag=NoteFlag.VULNERABLE)
    for i in range(5):
        organization = Organization.objects.create(program=world.program_a, name=f"Bakery {i}")
        customer_with_phone(world.program_a, shared, name=f"Same Number {i}", organization=organization)
    client.force_login(world.agent)
    with django_assert_max_num_queries(12):  # does not grow with the number of matches
        page = client.get(reverse("crm:customer_lookup"), {"phone": "415.555.0100"})
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count("data-customer=") == 6
    row = html[html.index(f'data-customer="{flagged.pk}"') :]
    assert 'data-flag="vulnerable"' in row[: row.index("</li>")]
    assert "Bakery 3" in html


def test_customer_of_another_program_is_404_on_every_page(client, world):
    other = customer_with_phone(world.program_b)
    client.force_login(world.agent)
    for name in ("crm:customer_detail", "crm:customer_edit", "crm:customer_timeline"):
        assert client.get(reverse(name, args=[other.pk])).status_code == 404
    assert client.post(reverse("crm:note_add", args=[other.pk]), {"body": "x"}).status_code == 404
    assert client.post(reverse("crm:call_start", args=[other.pk]), {"direction": "inbound"}).status_code == 404


def test_customer_page_shows_flags_on_top_and_logs_the_access(client, world):
    customer = customer_with_phone(world.program_a)
    note_create(actor=world.agent, customer=customer, body="Speaks softly; be patient.", flag=NoteFlag.VULNERABLE)
    client.force_login(world.agent)
    page = client.get(reverse("crm:customer_detail", args=[customer.pk])).content.decode()
    assert 'data-flag="vulnerable"' in page
    assert page.index("Speaks softly") < page.index("History")
    assert CustomerAccess.objects.filter(customer=customer, user=world.agent).count() == 1


def test_customer_page_query_count_does_not_grow_with_history(client, world, django_assert_num_queries):
    customer = customer_with_phone(world.program_a)
    client.force_login(world.agent)
    url = reverse("crm:customer_detail", args=[customer.pk])
    client.get(url)  # warm caches that are per process, not per request

    def count_queries() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    small = count_queries()
    for i in range(60):
        CallFactory(customer=customer, notes=f"call {i}")
        NoteFactory(customer=customer, body=f"note {i}", flag=NoteFlag.CAUTION if i % 10 == 0 else "")
    assert count_queries() == small
    # session, user, programs, customer, flagged notes, access log row, two for calls, approvals and
    # tickets (panel and history), notes, follow-ups, survey answers (panel and history) and opt-out, unread
    # notifications, the agent's state, its live call, and the calling panel's do-not-call entries and consents
    with django_assert_num_queries(22):
        response = client.get(url)
    assert response.status_code == 200
    assert "call 59" in response.content.decode()  # the newest of the sixty calls is in the history


def test_history_paginates(client, world):
    customer = customer_with_phone(world.program_a)
    for i in range(45):
        NoteFactory(customer=customer, body=f"history note {i:02d}")
    client.force_login(world.agent)
    page = client.get(reverse("crm:customer_detail", args=[customer.pk])).content.decode()
    assert "history note 44" in page
    assert "history note 00" not in page
    assert "Older history" in page


def test_as_you_type_search_runs_none_of_the_page_chrome_queries(client, world):
    """A fragment for htmx (here, results per keystroke) does not look up the top bar or the call bar."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    customer_with_phone(world.program_a, name="Maria Garcia")
    client.force_login(world.agent)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("crm:customer_list"), {"q": "Maria"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "Maria Garcia" in response.content.decode()
    chrome = [q["sql"] for q in queries if any(t in q["sql"] for t in ("agentstatespan", "crm_call", "notification"))]
    assert chrome == []


def test_customer_ref_finds_exactly_the_customers_customer_list_shows(world, django_assert_num_queries):
    """``customer_ref`` states ``customer_list``'s rule in its own SQL: the two must agree on every kind of row."""
    seen = customer_with_phone(world.program_a, "+14155550101", preferred_agent=world.agent)
    other_program = customer_with_phone(world.program_b, "+442071838750")
    erased = customer_with_phone(world.program_a, "+14155550102")
    Customer.objects.filter(pk=erased.pk).update(erased_at=timezone.now())
    merged = customer_with_phone(world.program_a, "+14155550103")
    Customer.objects.filter(pk=merged.pk).update(merged_into=seen)
    for actor in (world.agent, world.agent_b, world.integrator, world.admin):
        for customer in (seen, other_program, erased, merged):
            listed = selectors.customer_list(actor=actor).filter(pk=customer.pk).exists()
            assert (selectors.customer_ref(actor=actor, pk=customer.pk) is not None) == listed, (actor, customer)
    for nonsense in ("", "x", None, 0, -1, 2**63, 10**30):
        assert selectors.customer_ref(actor=world.agent, pk=nonsense) is None  # type: ignore[arg-type]

    with django_assert_num_queries(1):
        ref = selectors.customer_ref(actor=world.agent, pk=str(seen.pk))
        assert ref is not None
        # What routing and the program rule read comes with it.
        assert (ref.pk, ref.program.name, ref.program.default_team.pk) == (seen.pk, "Acme", world.team_a.pk)
        assert (ref.preferred_agent.username, ref.preferred_agent.is_active) == ("agent", True)
        assert ref.program.default_team.languages == world.team_a.languages
        # What a call's rules read of the customer and its program comes with it too.
        assert (ref.name, ref.time_zone, ref.do_not_call) == (seen.name, seen.time_zone, False)
        assert ref.program.default_region == world.program_a.default_region
    # A column not selected is read when asked for, like the ORM's deferred fields.
    assert ref.program.default_team.name == world.team_a.name
