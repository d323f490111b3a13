"""History of changes: who, when, what from what to what, by every way of changing data."""

import datetime
import io
import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from debates.history import command_line_actor
from debates.models import Debate, Participant, Position, Programme, Statement, Topic
from reports.models import FeaturedQuote, Report

pytestmark = pytest.mark.django_db

SEED = Path(__file__).resolve().parent.parent / "demo" / "afghans-reject-russian-alliance.json"
TRACKED = [Programme, Topic, Position, Participant, Debate, Statement, Report, FeaturedQuote]


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


# Imports -------------------------------------------------------------------------


@pytest.fixture
def seed():
    return json.loads(SEED.read_text(encoding="utf-8"))


def history_rows():
    return {model.__name__: model.history.count() for model in TRACKED}


def import_file(tmp_path, data, name="changed.json", **options):
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    call_command("import_debates", str(path), stdout=io.StringIO(), **options)


def test_an_import_records_every_row_it_creates_as_created_by_the_import(tmp_path, seed):
    before = timezone.now()
    import_file(tmp_path, seed, name="seed.json")
    for model in TRACKED:
        rows = model.history.all()
        assert rows.count() == model.objects.count() > 0, model.__name__
        assert {row.history_type for row in rows} == {"+"}
        assert {row.actor for row in rows} == {command_line_actor()}
        assert {row.history_change_reason for row in rows} == {"import of seed.json"}
        assert {row.history_user for row in rows} == {None}
        assert all(row.history_date >= before for row in rows)
    statement = Statement.objects.get(key="nasratyar-threat")
    assert statement.history.get().text == statement.text


def test_a_command_line_import_records_who_when_and_old_and_new_values(tmp_path, seed):
    import_file(tmp_path, seed)
    seed["participants"][0]["role"] = "former provincial council member"
    seed["debates"][0]["statements"][0]["text"] = "A threat to the whole region."
    before = timezone.now()
    import_file(tmp_path, seed, name="roles.json", reason="corrected from the recording")

    participant = Participant.objects.get(slug="khosh-mohammad-nasratyar")
    latest = participant.history.latest()
    assert latest.history_type == "~"
    assert latest.actor == command_line_actor()
    assert latest.history_user is None
    assert latest.history_date >= before
    assert latest.history_change_reason == "import of roles.json: corrected from the recording"
    assert changes(latest) == {
        "role": ("provincial council member", "former provincial council member")
    }
    statement = Statement.objects.get(key="nasratyar-threat")
    # The debate is published, so changing the statement's text is a dated correction.
    assert changes(statement.history.latest()) == {
        "text": (
            "Any Russian backing for the insurgents would be a threat to the entire region.",
            "A threat to the whole region.",
        ),
        "corrected_on": (None, timezone.localdate()),
    }


def test_an_import_that_changes_nothing_records_nothing(tmp_path, seed):
    import_file(tmp_path, seed)
    before = history_rows()
    import_file(tmp_path, seed)
    assert history_rows() == before


def test_a_statement_an_import_deletes_is_recorded_with_its_old_values(tmp_path, seed):
    import_file(tmp_path, seed)
    dropped = seed["debates"][0]["statements"].pop()
    import_file(tmp_path, seed, name="shorter.json")
    deleted = Statement.history.filter(history_type="-").get()
    assert deleted.text == dropped["text"]
    assert deleted.history_change_reason == "import of shorter.json"
    assert not Statement.objects.filter(pk=deleted.id).exists()
    assert deleted.prev_record.history_type == "+"


def test_a_report_whose_quotes_an_import_changes_records_the_quotes_removed_and_added(
    tmp_path, seed
):
    import_file(tmp_path, seed)
    seed["reports"][0]["quotes"].pop()
    import_file(tmp_path, seed)
    report = Report.objects.get()
    assert report.history.latest().history_type == "~"
    removed = FeaturedQuote.history.filter(history_type="-")
    assert removed.count() == 3
    assert FeaturedQuote.history.filter(history_type="+").count() == 3 + 2


def test_an_admin_import_records_the_user_and_the_uploaded_file(staff_client, seed):
    url = reverse("admin:debates_debate_import")
    staff_client.post(url, {"file": SimpleUploadedFile("seed.json", json.dumps(seed).encode())})
    seed["participants"][0]["role"] = "former provincial council member"
    before = timezone.now()
    staff_client.post(url, {"file": SimpleUploadedFile("fix.json", json.dumps(seed).encode())})

    latest = Participant.objects.get(slug="khosh-mohammad-nasratyar").history.latest()
    assert latest.history_user.username == "editor"
    assert latest.actor == "editor"
    assert latest.history_date >= before
    assert latest.history_change_reason == "import of fix.json"
    assert changes(latest) == {
        "role": ("provincial council member", "former provincial council member")
    }


# Admin list actions and History pages --------------------------------------------


def test_a_list_action_records_who_when_and_old_and_new_status_of_each_debate(staff_client, make):
    drafts = [make.debate(status="draft") for _ in range(3)]
    before = timezone.now()
    staff_client.post(
        reverse("admin:debates_debate_changelist"),
        {"action": "publish", "_selected_action": [d.pk for d in drafts[:2]]},
    )
    for debate in drafts[:2]:
        latest = debate.history.latest()
        assert latest.history_type == "~"
        assert latest.history_user.username == "editor"
        assert latest.actor == "editor"
        assert latest.history_date >= before
        assert changes(latest)["status"] == ("draft", "published")
    assert drafts[2].history.count() == 1


def test_unpublishing_reports_from_the_list_records_each_report(staff_client, make):
    report = make.report(status="published")
    staff_client.post(
        reverse("admin:reports_report_changelist"),
        {"action": "unpublish", "_selected_action": [report.pk]},
    )
    latest = report.history.latest()
    assert latest.actor == "editor"
    assert changes(latest)["status"] == ("published", "draft")


def test_publishing_reports_from_the_list_records_each_report(staff_client, make):
    report = make.report(status="draft")
    staff_client.post(
        reverse("admin:reports_report_changelist"),
        {"action": "publish", "_selected_action": [report.pk]},
    )
    latest = report.history.latest()
    assert latest.actor == "editor"
    assert changes(latest)["status"] == ("draft", "published")


def test_a_history_page_shows_who_changed_what_from_what_to_what(staff_client, tmp_path, seed):
    import_file(tmp_path, seed)
    seed["participants"][0]["role"] = "former provincial council member"
    import_file(tmp_path, seed, name="roles.json", reason="corrected")
    participant = Participant.objects.get(slug="khosh-mohammad-nasratyar")
    page = staff_client.get(
        reverse("admin:debates_participant_history", args=[participant.pk])
    ).content.decode()
    assert command_line_actor() in page
    assert "import of roles.json: corrected" in page
    assert "provincial council member" in page
    assert "former provincial council member" in page


def test_a_debates_history_page_shows_its_statements_changes(staff_client, tmp_path, seed):
    import_file(tmp_path, seed)
    seed["debates"][0]["statements"][0]["text"] = "A threat to the whole region."
    import_file(tmp_path, seed, name="fix.json")
    debate = Debate.objects.get(slug=seed["debates"][0]["slug"])
    response = staff_client.get(reverse("admin:debates_debate_history", args=[debate.pk]))
    section = response.content.decode().split('id="statement-history"')[1]
    assert "A threat to the whole region." in section
    assert "Any Russian backing for the insurgents would be a threat to the entire region." in (
        section
    )
    assert "import of fix.json" in section
    assert command_line_actor() in section
    # Every statement was added once, and one was changed since.
    assert section.count("<td>Changed</td>") == 1
    assert (
        response.context["statement_history"].paginator.count
        == len(seed["debates"][0]["statements"]) + 1
    )
