"""History of changes: who, when, what from what to what, by every way of changing data."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from debates.history import command_line_actor
from debates.models import Participant

pytestmark = pytest.mark.django_db


def changes(record):
    """``{field: (old, new)}`` between ``record`` and the version before it."""
    previous = record.prev_record
    assert previous is not None, "no earlier version to compare with"
    delta = record.diff_against(previous)
    return {change.field: (change.old, change.new) for change in delta.changes}


def participant_form(participant, **fields):
    data = {
        "name": participant.name,
        "slug": participant.slug,
        "attribution": participant.attribution,
        "role": participant.role,
        "organisation": participant.organisation,
        "province": participant.province_id or "",
        "gender": participant.gender,
    }
    return {**data, **fields}


def test_a_change_in_the_admin_form_records_who_when_and_old_and_new_values(staff_client, make):
    participant = make.participant(role="teacher", attribution="anonymous")
    before = timezone.now()
    response = staff_client.post(
        reverse("admin:debates_participant_change", args=[participant.pk]),
        participant_form(participant, role="headteacher"),
    )
    assert response.status_code == 302
    latest = participant.history.latest()
    assert latest.history_user.username == "editor"
    assert latest.actor == "editor"
    assert latest.history_date >= before
    assert changes(latest) == {"role": ("teacher", "headteacher")}


def test_a_change_without_a_web_request_is_by_the_command_line_and_its_os_user(make):
    participant = make.participant(role="teacher")
    participant.role = "farmer"
    participant.save()
    latest = participant.history.latest()
    assert latest.history_user is None
    assert latest.actor == command_line_actor()
    assert latest.actor.startswith("command line (")
    assert changes(latest) == {"role": ("teacher", "farmer")}


def test_every_tracked_kind_has_a_history(make):
    debate = make.debate(held_on=datetime.date(2016, 1, 2))
    statement = make.statement(debate)
    report = make.report(debates=[debate], quotes=[statement])
    for obj in [
        debate,
        debate.topic,
        debate.topic.positions.first(),
        statement,
        report,
        report.quotes.get(),
        make.programme(),
        make.participant(),
    ]:
        assert obj.history.count() == 1, type(obj).__name__
    assert Participant.history.model._meta.get_field("actor")
