"""Every metric against values computed by hand from a fixed set of calls and agent states (docs/metrics.md)."""

from __future__ import annotations

import zoneinfo
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone as tz

from agents.models import AgentStateSpan
from crm.models import Call, CallDirection, CallState
from quality.models import CalibrationSession, Review
from quality.tests.factories import qa_review, survey_answer
from reports.models import AgentDay, AgentInterval, CallDay, CallInterval, ProgramTargets, ReportingZone
from reports.selectors import Query, Totals, metrics, metrics_total
from reports.services.rollup import (
    agent_states_rollup,
    calls_rollup,
    metrics_restate,
    metrics_rollup,
    reporting_zones_sync,
    work_rollup,
)
from reports.tests.factories import inbound_call

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)  # a Monday
DAY = Query(start=datetime(2026, 11, 2, tzinfo=UTC), end=datetime(2026, 11, 3, tzinfo=UTC), interval="day")


@pytest.fixture(params=["from intervals", "from day rollups"])
def floor(world, request):
    """Program A's morning: the calls of the table in the test names, and the agent's states until 10:30. Every
    test runs twice: reading the 15-minute intervals, and reading the day rollups of the ready zones."""
    a, agent = world.program_a, world.agent
    s = timedelta(seconds=1)
    first = inbound_call(
        a, at=T0 + 60 * s, agent=agent, wait=10, talk=300, hold=60, wrap=30, first_contact_resolution=True
    )
    second = inbound_call(a, at=T0 + 120 * s, agent=agent, wait=30, talk=200, wrap=40, transferred=True)
    inbound_call(a, at=T0 + 180 * s, wait=3, answered=False, state=CallState.ABANDONED)  # a short abandon
    inbound_call(a, at=T0 + 240 * s, wait=40, answered=False, state=CallState.ABANDONED)
    inbound_call(a, at=T0 + 300 * s, agent=agent, wait=20, ended=False)  # still talking: answered, not handled
    inbound_call(a, at=T0 + 600 * s, agent=agent, direction=CallDirection.OUTBOUND, talk=500)  # outbound: not counted
    inbound_call(a, at=T0 + 890 * s, agent=agent, wait=20, talk=100)  # starts 10:14:50, answered in the next interval
    inbound_call(
        a, at=T0 + 900 * s, agent=agent, wait=5, talk=60, first_contact_resolution=True
    )  # 10:15:00: the next one
    other = inbound_call(world.program_b, at=T0 + 60 * s, agent=world.agent_b, wait=99, talk=99)  # another program
    # Survey answers count at the start of the call they rate, for its agent: 5 and 2 about the first two calls,
    # 4 about the 10:15 one; program B's 1 is B's.
    survey_answer(first, 5)
    survey_answer(second, 2)
    survey_answer(Call.objects.get(program=a, started_at=T0 + 900 * s), 4)
    survey_answer(other, 1)
    # Quality reviews count at the start of the call they score, once their score stands: 85.5 and a critical
    # miss (0) on the first two calls; the 10:15 one is under dispute (not yet counted); a calibration score of
    # the 10:14:50 call never counts; program B's 70 is B's.
    qa_review(first, score="85.5")
    qa_review(second, score="0", status="submitted", failed=True)
    disputed = qa_review(Call.objects.get(program=a, started_at=T0 + 900 * s), score="40", status="disputed")
    session = CalibrationSession.objects.create(
        program=a, name="Calibration", version=disputed.version, created_by=world.manager
    )
    qa_review(
        Call.objects.get(program=a, started_at=T0 + 890 * s), score="100", status="submitted", calibration=session
    )
    qa_review(other, score="70")
    minute = timedelta(minutes=1)
    for state, start, end in [
        ("available", T0 - 10 * minute, T0 + 5 * minute),
        ("on_call", T0 + 5 * minute, T0 + 12 * minute),
        ("wrap_up", T0 + 12 * minute, T0 + 14 * minute),
        ("break", T0 + 14 * minute, T0 + 20 * minute),
        ("available", T0 + 20 * minute, None),
    ]:
        AgentStateSpan.objects.create(user=agent, state=state, started_at=start, ended_at=end)
    calls_rollup()
    agent_states_rollup(now=T0 + 30 * minute)
    if request.param == "from day rollups":
        reporting_zones_sync()
        assert ReportingZone.objects.filter(name="UTC", ready=True).exists()
    return world


def test_a_day_of_program_a_matches_the_hand_computed_figures(floor):
    [row] = metrics(actor=floor.manager, query=DAY)
    assert (row.start, row.end, row.label) == (DAY.start, DAY.end, "All")
    assert row.totals.figures() == {
        "offered": 7,  # every inbound call of A that started that day, the one in progress and the short abandon too
        "answered": 5,
        "handled": 4,  # answered and ended
        "abandoned": 1,  # waited 40 s; the 3-second hang-up is a short abandon
        "short_abandoned": 1,
        "aht_seconds": 197.5,  # (390 + 240 + 100 + 60) / 4
        "asa_seconds": 17.0,  # (10 + 30 + 20 + 20 + 5) / 5
        "service_level": 0.6667,  # 4 answered within 20 s / (5 answered + 1 abandoned)
        "abandon_rate": 0.1667,  # 1 / (7 offered - 1 short)
        "fcr_rate": 0.5,  # 2 of 4 handled
        "transfer_rate": 0.25,  # 1 of 4 handled
        "occupancy": 0.2647,  # (420 on call + 120 wrap-up) / (1500 available + 540)
        "csat": 0.6667,  # 2 of 3 answers scored 4 or 5
        "csat_mean": 3.67,  # (5 + 2 + 4) / 3
        "csat_responses": 3,
        "qa_score": 0.4275,  # (85.5 + 0) / 2 reviews, as a ratio
        "qa_reviews": 2,
        "qa_failed": 1,
        "tickets_opened": 0,  # (tickets, approvals and callbacks: test_tickets_approvals_and_callbacks_of_a_day)
        "tickets_resolved": 0,
        "sla_met_rate": None,
        "approvals_decided": 0,
        "approval_turnaround_seconds": None,
        "callbacks_due": 0,
        "callbacks_on_time_rate": None,
    }


def test_a_call_counts_in_the_interval_it_started_in_even_when_answered_in_the_next(floor):
    query = Query(start=T0, end=T0 + timedelta(minutes=30), interval="hour")
    [hour] = metrics(actor=floor.manager, query=query)
    assert hour.totals.offered == 7
    intervals: dict[datetime, tuple[int, int]] = {}
    for r in CallInterval.objects.filter(program=floor.program_a):
        offered, answered = intervals.get(r.start, (0, 0))
        intervals[r.start] = (offered + r.offered, answered + r.answered)
    assert intervals == {T0: (6, 4), T0 + timedelta(minutes=15): (1, 1)}


def test_agent_state_time_is_split_exactly_at_interval_edges(floor):
    rows = {
        r.start.time().isoformat(): (r.available_seconds, r.on_call_seconds, r.wrap_up_seconds, r.break_seconds)
        for r in AgentInterval.objects.filter(agent=floor.agent)
    }
    assert rows == {"09:45:00": (600, 0, 0, 0), "10:00:00": (300, 420, 120, 60), "10:15:00": (600, 0, 0, 300)}


def test_grouped_by_agent_only_answered_calls_count_and_abandons_stay_with_the_program(floor):
    rows = metrics(actor=floor.manager, query=Query(**{**DAY.__dict__, "group_by": "agent"}))
    assert [(r.key, r.totals.offered, r.totals.abandoned, r.totals.handled) for r in rows] == [
        (floor.agent.pk, 5, 0, 4)
    ]


def test_who_sees_what(floor):
    def offered(actor):
        return metrics_total(actor=actor, query=DAY).offered

    assert offered(floor.admin) == 8  # both programs
    assert offered(floor.manager) == 7  # the programs it serves
    assert offered(floor.supervisor) == 5  # its team: calls its agents answered
    assert offered(floor.agent) == 5  # itself
    assert offered(floor.agent_b) == 1
    assert metrics(actor=floor.knowledge_manager, query=DAY) == []


def test_no_calls_gives_no_rows_and_no_figure(world):
    calls_rollup()
    assert metrics(actor=world.manager, query=DAY) == []
    nothing = Totals().figures()
    assert (nothing["aht_seconds"], nothing["service_level"], nothing["occupancy"]) == (None, None, None)


def test_figures_round_a_half_up_and_a_rate_over_nothing_is_null():
    # 1 of 32 answered in time is 0.03125: four decimals, the half up (docs/metrics.md).
    figures = Totals(offered=32, answered=32, answered_in_time=1, handled=32, talk_seconds=20).figures()
    assert (figures["service_level"], figures["aht_seconds"]) == (0.0313, 0.6)
    assert (figures["csat"], figures["occupancy"], figures["sla_met_rate"]) == (None, None, None)


def test_rerunning_changes_nothing_and_a_late_event_is_counted(floor):
    def rows():
        return set(CallInterval.objects.values_list("start", "program_id", "agent_id", "offered", "handled"))

    before = rows()
    assert calls_rollup() > 0  # the margin is read again
    assert rows() == before
    live = Call.objects.get(state=CallState.CONNECTED)
    live.ended_at, live.talk_seconds, live.state = T0 + timedelta(minutes=20), 600, CallState.COMPLETED
    live.save()
    calls_rollup()
    assert metrics_total(actor=floor.manager, query=DAY).handled == 5
    # A survey answered days later is counted in its call's interval at the next run (the calls themselves
    # have not changed since long before it).
    Call.objects.update(updated_at=tz.now() - timedelta(hours=1))
    survey_answer(Call.objects.get(started_at=T0 + timedelta(seconds=890)), 3)
    calls_rollup()
    figures = metrics_total(actor=floor.manager, query=DAY).figures()
    assert (figures["csat_responses"], figures["csat"], figures["csat_mean"]) == (4, 0.5, 3.5)
    # A dispute decided days later: its score counts from the next run.
    Review.objects.filter(status="disputed").update(status="submitted", updated_at=tz.now())
    calls_rollup()
    totals = metrics_total(actor=floor.manager, query=DAY)
    figures = totals.figures()
    assert (figures["qa_reviews"], figures["qa_failed"], figures["qa_score"]) == (3, 1, 0.4183)  # (85.5 + 0 + 40) / 3


def test_a_past_range_is_restated_and_a_threshold_change_restates_its_program(
    floor, django_capture_on_commit_callbacks
):
    Call.objects.filter(program=floor.program_a, started_at=T0 + timedelta(seconds=900)).delete()
    metrics_restate(start=T0, end=T0 + timedelta(hours=1))
    assert metrics_total(actor=floor.manager, query=DAY).offered == 6  # the deleted call's interval is gone
    ProgramTargets.objects.create(program=floor.program_a, service_level_seconds=10, restate_pending=True)
    metrics_rollup()
    total = metrics_total(actor=floor.manager, query=DAY)
    assert total.answered_in_time == 1  # only the 10-second answer is within 10 s now
    assert not ProgramTargets.objects.get(program=floor.program_a).restate_pending


def test_new_york_days_are_not_utc_days(world):
    # 22:00 in New York on 2 November is 03:00 UTC on the 3rd.
    inbound_call(world.program_a, at=datetime(2026, 11, 3, 3, 0, tzinfo=UTC), agent=world.agent, wait=5, talk=50)
    calls_rollup()
    ny = zoneinfo.ZoneInfo("America/New_York")
    query = Query(start=datetime(2026, 11, 2, tzinfo=ny), end=datetime(2026, 11, 3, tzinfo=ny), interval="day", tz=ny)
    [row] = metrics(actor=world.manager, query=query)
    assert (row.start, row.end, row.totals.offered) == (query.start, query.end, 1)
    assert metrics(actor=world.manager, query=DAY) == []


def _tables_read(actor, query):
    with CaptureQueriesContext(connection) as queries:
        metrics(actor=actor, query=query)
    return {t for t in ("callday", "agentday", "callinterval", "agentinterval") if any(
        f"reports_{t}" in q["sql"] for q in queries.captured_queries)}  # fmt: skip


def test_whole_days_of_a_ready_zone_are_read_from_the_day_rollups(floor, request):
    days = "day rollups" in request.node.callspec.id
    by_agent = Query(**{**DAY.__dict__, "group_by": "agent"})
    assert _tables_read(floor.manager, by_agent) == (
        {"callday", "agentday"} if days else {"callinterval", "agentinterval"}
    )
    part_of_a_day = Query(start=T0, end=T0 + timedelta(hours=2), interval="day", group_by="agent")
    assert _tables_read(floor.manager, part_of_a_day) == {"callinterval", "agentinterval"}
    hours = Query(**{**by_agent.__dict__, "interval": "hour"})
    assert _tables_read(floor.manager, hours) == {"callinterval", "agentinterval"}


def test_calls_work_and_state_time_are_summed_in_one_statement_of_the_rollups(floor):
    # A month of per-agent days is 6,000 rows: PostgreSQL adds the sources up, never the raw calls or spans.
    by_agent = Query(**{**DAY.__dict__, "group_by": "agent"})
    for query in (by_agent, replace(by_agent, group_by="team"), replace(by_agent, group_by="none")):
        with CaptureQueriesContext(connection) as queries:
            assert metrics(actor=floor.manager, query=query)
        statements = [q["sql"] for q in queries.captured_queries]
        assert len([sql for sql in statements if "reports_call" in sql or "reports_agent" in sql]) == 1
        assert not any("crm_call" in sql or "agentstatespan" in sql for sql in statements)


def test_the_zones_in_use_get_their_days_and_they_sum_their_intervals_across_a_dst_change(world):
    ny = zoneinfo.ZoneInfo("America/New_York")  # program A's zone
    # New York's 1 November 2026 has 25 hours (clocks go back at 2:00); 23:30 that night is 04:30 UTC on the 2nd.
    for at, wait in [
        (datetime(2026, 11, 1, 5, 30), 5),
        (datetime(2026, 11, 1, 23, 30), 30),
        (datetime(2026, 11, 3, 9), 8),
    ]:
        inbound_call(world.program_a, at=at.replace(tzinfo=ny), agent=world.agent, wait=wait, talk=100)
    AgentStateSpan.objects.create(
        user=world.agent, state="available", started_at=datetime(2026, 11, 1, 22, tzinfo=ny),
        ended_at=datetime(2026, 11, 2, 2, tzinfo=ny),
    )  # fmt: skip
    calls_rollup()
    agent_states_rollup(now=datetime(2026, 11, 4, tzinfo=UTC))
    weeks = Query(start=datetime(2026, 10, 26, tzinfo=ny), end=datetime(2026, 11, 9, tzinfo=ny), tz=ny)

    def read(query):
        return [(r.start, r.end, r.totals.offered, r.totals.wait_seconds, r.totals.available_seconds)
                for r in metrics(actor=world.manager, query=query)]  # fmt: skip

    from_intervals = {interval: read(replace(weeks, interval=interval)) for interval in ("day", "week")}
    metrics_rollup()
    assert ReportingZone.objects.get(name="America/New_York").ready
    assert _tables_read(world.manager, weeks) == {"callday", "agentday"}
    assert (
        read(weeks)
        == from_intervals["day"]
        == [
            (datetime(2026, 11, 1, tzinfo=ny), datetime(2026, 11, 2, tzinfo=ny), 2, 35, 7200),
            (datetime(2026, 11, 2, tzinfo=ny), datetime(2026, 11, 3, tzinfo=ny), 0, 0, 7200),
            (datetime(2026, 11, 3, tzinfo=ny), datetime(2026, 11, 4, tzinfo=ny), 1, 8, 0),
        ]
    )
    assert (
        read(replace(weeks, interval="week"))
        == from_intervals["week"]
        == [
            (datetime(2026, 10, 26, tzinfo=ny), datetime(2026, 11, 2, tzinfo=ny), 2, 35, 7200),
            (datetime(2026, 11, 2, tzinfo=ny), datetime(2026, 11, 9, tzinfo=ny), 1, 8, 7200),
        ]
    )
    # A late call is in its day at the next run.
    inbound_call(world.program_a, at=datetime(2026, 11, 3, 10, tzinfo=ny), agent=world.agent, wait=2, talk=10)
    metrics_rollup()
    assert read(weeks)[-1][2:4] == (2, 10)
    # A user's own zone (half an hour off the hour) is added, then dropped once nobody reads in it.
    india = zoneinfo.ZoneInfo("Asia/Kolkata")
    days = Query(start=datetime(2026, 11, 1, tzinfo=india), end=datetime(2026, 11, 5, tzinfo=india), tz=india)
    from_intervals["india"] = read(days)
    world.manager.time_zone = "Asia/Kolkata"
    world.manager.save()
    metrics_rollup()
    assert _tables_read(world.manager, days) == {"callday", "agentday"}
    assert read(days) == from_intervals["india"]
    assert [row[2:] for row in from_intervals["india"]] == [(1, 5, 0), (1, 30, 14400), (2, 10, 0)]
    world.manager.time_zone = "UTC"
    world.manager.save()
    metrics_rollup()
    assert not ReportingZone.objects.filter(name="Asia/Kolkata").exists()
    assert not CallDay.objects.filter(zone="Asia/Kolkata").exists()
    assert not AgentDay.objects.filter(zone="Asia/Kolkata").exists()


# --- The API and the export -----------------------------------------------------------------


def _api(user):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_api_and_the_export_show_the_same_figures_as_the_selector(floor):
    params = {"from": "2026-11-02T00:00:00Z", "to": "2026-11-03T00:00:00Z", "group_by": "team", "tz": "UTC"}
    body = _api(floor.supervisor).get("/api/v1/metrics/", params).json()
    assert (body["interval"], body["group_by"], body["time_zone"]) == ("day", "team", "UTC")
    [row] = body["results"]
    assert (row["team"], row["label"], row["offered"], row["aht_seconds"], row["service_level"]) == (
        floor.team_a.pk, "Acme front", 5, 197.5, 0.8,  # 4 of 5 answered within 20 s; no abandon is the team's
    )  # fmt: skip
    export = _api(floor.supervisor).get("/api/v1/metrics/export/", params)
    assert export["Content-Type"].startswith("text/csv")
    lines = export.content.decode().splitlines()
    assert lines[0].startswith("start,end,group,key,label,offered,answered,handled")
    assert lines[1].split(",")[:9] == [
        "2026-11-02T00:00:00+00:00", "2026-11-03T00:00:00+00:00", "team", str(floor.team_a.pk), "Acme front",
        "5", "5", "4", "0",
    ]  # fmt: skip


def test_the_metrics_queries_do_not_grow_with_the_range_or_the_agents(floor):
    def queries(**params):
        with CaptureQueriesContext(connection) as captured:
            assert _api(floor.manager).get("/api/v1/metrics/", {"group_by": "agent", **params}).status_code == 200
        return len(captured)

    queries()  # what a first request caches
    one_day = queries(**{"from": "2026-11-02T00:00:00Z", "to": "2026-11-03T00:00:00Z"})
    for day in range(1, 20):  # another agent of the program, and many more days
        inbound_call(floor.program_a, at=T0 - timedelta(days=day), agent=floor.supervisor, wait=5, talk=60)
    calls_rollup()
    assert queries(**{"from": "2026-10-03T00:00:00Z", "to": "2026-11-03T00:00:00Z"}) == one_day


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"interval": "minute"}, "interval"),
        ({"group_by": "moon"}, "group_by"),
        ({"from": "2026-11-02T00:00:00"}, "from"),  # no offset
        ({"from": "2026-11-03T00:00:00Z", "to": "2026-11-02T00:00:00Z"}, "to"),
        ({"from": "2025-01-01T00:00:00Z", "to": "2026-11-02T00:00:00Z", "interval": "hour"}, "from"),
        ({"tz": "Mars/Olympus"}, "tz"),
        ({"to": "0001-01-01T00:00:00Z"}, "to"),  # a week before it does not exist
        ({"from": "9999-12-31T23:00:00Z"}, "from"),
        ({"program": "abc"}, "program"),
    ],
)
def test_bad_metric_queries_are_400_naming_the_field(world, params, field):
    response = _api(world.manager).get("/api/v1/metrics/", params)
    assert response.status_code == 400
    assert field in response.json()["details"], response.json()


def test_roles_without_metrics_are_refused_and_other_programs_stay_invisible(floor):
    assert _api(floor.knowledge_manager).get("/api/v1/metrics/").status_code == 403
    params = {"from": "2026-11-02T00:00:00Z", "to": "2026-11-03T00:00:00Z", "program": floor.program_b.pk}
    assert _api(floor.agent).get("/api/v1/metrics/", params).json()["results"] == []
    assert _api(floor.manager).get("/api/v1/metrics/", params).json()["results"] == []


def _earlier_today():
    """A moment of today (UTC, the users' zone here) before now, even just after midnight."""
    now = tz.now()
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight + (now - midnight) / 2


# --- The screens ------------------------------------------------------------------------------


def test_the_dashboard_shows_today_the_range_and_the_teams_to_drill_into(floor, client):
    # Today's figures come from today's calls: one answered in 5 s by the team's agent.
    inbound_call(floor.program_a, at=_earlier_today(), agent=floor.agent, wait=5, talk=100)
    calls_rollup()
    client.force_login(floor.supervisor)
    page = client.get("/dashboard/", {"start": "2026-11-02", "end": "2026-11-02"})
    assert page.status_code == 200
    today, in_range = page.context["today"], page.context["range"]
    assert {c["name"]: c["value"] for c in today}["offered"] == "1"
    shown_range = {c["name"]: c["value"] for c in in_range}
    assert (shown_range["offered"], shown_range["aht_seconds"], shown_range["service_level"]) == ("5", "3:18", "80.0%")
    html = page.content.decode()
    assert "Acme front" in html
    drill = client.get("/dashboard/", {"start": "2026-11-02", "end": "2026-11-02", "team": floor.team_a.pk})
    [agent_row] = drill.context["groups"]
    assert agent_row["row"].key == floor.agent.pk
    calls = client.get(f"/dashboard/agents/{floor.agent.pk}/", {"start": "2026-11-02", "end": "2026-11-02"})
    assert calls.status_code == 200
    assert len(calls.context["calls"]) == 6  # the agent's calls that day, the outbound one too
    assert client.get(f"/dashboard/agents/{floor.agent_b.pk}/").status_code == 404  # not the supervisor's agent


def test_a_target_shows_met_or_missed(floor, client):
    ProgramTargets.objects.create(program=floor.program_a, service_level=0.9, aht_seconds=300)
    client.force_login(floor.manager)
    page = client.get("/dashboard/", {"start": "2026-11-02", "end": "2026-11-02", "program": floor.program_a.pk})
    cards = {c["name"]: c for c in page.context["range"]}
    assert (cards["service_level"]["target"], cards["service_level"]["meets"]) == ("90.0%", False)
    assert (cards["aht_seconds"]["target"], cards["aht_seconds"]["meets"]) == ("5:00", True)
    assert "missed" in page.content.decode()


def test_agents_and_knowledge_managers_have_no_dashboard(world, client):
    client.force_login(world.agent)
    assert client.get("/dashboard/").status_code == 403
    assert client.get("/wallboard/").status_code == 403


def test_the_wallboard_shows_the_floor_now(world, client):
    now = tz.now()
    waiting = inbound_call(world.program_a, at=now - timedelta(seconds=95), answered=False, ended=False)
    Call.objects.filter(pk=waiting.pk).update(state=CallState.RINGING)
    inbound_call(world.program_a, at=now - timedelta(minutes=3), agent=world.agent, wait=4, ended=False)
    inbound_call(world.program_b, at=now - timedelta(minutes=9), answered=False, ended=False, state=CallState.RINGING)
    AgentStateSpan.objects.create(user=world.agent, state="on_call", started_at=now - timedelta(minutes=3))
    client.force_login(world.supervisor)
    page = client.get("/wallboard/")
    board = page.context["board"]
    assert (board.calls.waiting, board.calls.talking) == (1, 1)  # program B's caller is not on this floor
    assert page.context["longest_wait"].startswith("1:3")
    assert board.state_counts["on_call"] == 1
    live = client.get("/wallboard/", HTTP_HX_REQUEST="true")
    assert live.templates[0].name == "reports/_wallboard.html"


def test_an_agent_sees_its_own_numbers_on_the_workspace(world, client):
    ProgramTargets.objects.create(program=world.program_a, aht_seconds=300, qa_score=0.9)
    own = inbound_call(world.program_a, at=_earlier_today(), agent=world.agent, wait=5, talk=200, wrap=40)
    other = inbound_call(world.program_a, at=_earlier_today(), agent=world.supervisor, wait=5, talk=900)
    qa_review(own, score="85")
    qa_review(other, score="40")
    calls_rollup()
    client.force_login(world.agent)
    html = client.get("/").content.decode()
    assert "My numbers" in html
    row = html[html.index('data-metric="aht_seconds"') :].split("</tr>")[0]
    assert "4:00" in row  # its own call only: 240 s
    assert "met" in row
    assert "5:00" in row  # the target
    row = html[html.index('data-metric="qa_score"') :].split("</tr>")[0]
    assert "85.0%" in row  # its own review only
    assert "missed" in row  # against 90 %


def test_tickets_approvals_and_callbacks_of_a_day(world, django_capture_on_commit_callbacks):
    from decimal import Decimal

    from approvals.models import AuthorityLimit
    from approvals.services import approval_approve, approval_request
    from crm.tests.factories import customer_with_phone
    from tickets.models import FollowUp, Ticket
    from tickets.services.tickets import ticket_create

    minute = timedelta(minutes=1)
    customer = customer_with_phone(world.program_a)
    for at, resolved, due in [(5, 20, 60), (6, 40, 30), (7, None, 90)]:
        ticket = ticket_create(actor=world.agent, customer=customer, subject=f"Ticket {at}")
        Ticket.objects.filter(pk=ticket.pk).update(
            created_at=T0 + at * minute, resolution_due=T0 + due * minute,
            resolved_at=T0 + resolved * minute if resolved else None, status="resolved" if resolved else "open",
        )  # fmt: skip
    AuthorityLimit.objects.create(role="supervisor", kind="refund", currency="USD", max_amount=Decimal(500))
    request = approval_request(
        actor=world.agent, kind="refund", amount=Decimal(100), currency="USD", reason="Late", customer=customer
    )
    decided = approval_approve(actor=world.supervisor, request=request)
    for due, status, done in [(0, "done", 10), (30, "done", 60), (60, "cancelled", None), (90, "scheduled", None)]:
        FollowUp.objects.create(
            program=world.program_a, customer=customer, owner=world.agent, due_at=T0 + due * minute, status=status,
            completed_at=T0 + done * minute if done else None,
        )  # fmt: skip
    work_rollup()
    figures = metrics_total(actor=world.manager, query=DAY).figures()
    assert (figures["tickets_opened"], figures["tickets_resolved"]) == (3, 2)
    assert figures["sla_met_rate"] == 0.5  # one of the two resolved by its due time
    assert (figures["callbacks_due"], figures["callbacks_on_time_rate"]) == (3, 0.3333)  # the cancelled one is not due
    today = Query(
        start=decided.decided_at - timedelta(hours=1), end=decided.decided_at + timedelta(hours=1), interval="hour"
    )
    decisions = metrics_total(actor=world.manager, query=today).figures()
    assert decisions["approvals_decided"] == 1
    assert decisions["approval_turnaround_seconds"] == round((decided.decided_at - decided.created_at).total_seconds())


def test_dashboard_dates_out_of_range_are_named_not_a_500(world, client):
    client.force_login(world.manager)
    page = client.get("/dashboard/", {"start": "2026-11-01", "end": "9999-12-31"})
    assert page.status_code == 200
    assert page.context["form"].errors["end"] == ["Give a date between 2000-01-01 and 9998-12-31."]
