"""Withheld statements and withheld names: gone from the public, controlled for staff."""

import io
import json

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.urls import reverse

from debates.history import os_user
from debates.models import Participant, Statement
from record.errors import RecordError
from record.exporter import export_record
from record.importer import import_record
from record.models import ExportRecord
from tests.crawl import sitemap_paths

pytestmark = pytest.mark.django_db

WITHDRAWN_WORDS = "Withdrawnwords about the governor zq"
HistoricalParticipant = Participant.history.model


@pytest.fixture
def withdrawn(make):
    """A published debate with a statement its named speaker has withdrawn, quoted by a report."""
    topic = make.topic(slug="elections")
    speaker = make.participant(name="Only Withdrawn Speaker", slug="only-withdrawn")
    other = make.participant(name="Still Public Speaker", slug="still-public")
    debate = make.debate(topic=topic, slug="kunduz-elections")
    statement = make.statement(
        debate, speaker=speaker, position="for-it", text=WITHDRAWN_WORDS, key="withdrawn"
    )
    kept = make.statement(debate, speaker=other, position="against-it", text="Kept words zq.")
    report = make.report(
        debates=[debate],
        quotes=[statement, kept],
        slug="what-kunduz-said",
        body=f'The speaker said "{WITHDRAWN_WORDS}" and was answered.',
    )
    return statement, report


def withhold(statement):
    statement.withheld = True
    statement.save()


def test_a_withheld_statement_leaves_the_debate_page_on_the_next_request(client, withdrawn):
    statement, _report = withdrawn
    assert WITHDRAWN_WORDS in client.get("/debates/kunduz-elections/").text
    withhold(statement)
    page = client.get("/debates/kunduz-elections/")
    assert WITHDRAWN_WORDS not in page.text
    assert "Kept words zq." in page.text
    assert page.context["statement_count"] == 1


def test_search_no_longer_finds_a_withheld_statement(client, withdrawn):
    statement, _report = withdrawn
    assert client.get("/search/", {"q": "Withdrawnwords"}).context["page_obj"].paginator.count
    withhold(statement)
    response = client.get("/search/", {"q": "Withdrawnwords"})
    assert response.context["page_obj"].paginator.count == 0
    assert WITHDRAWN_WORDS not in response.text.replace("Withdrawnwords", "", 1)


def test_a_speaker_whose_only_statement_is_withheld_loses_the_page_and_the_sitemap_entry(
    client, withdrawn
):
    statement, _report = withdrawn
    assert client.get("/speakers/only-withdrawn/").status_code == 200
    withhold(statement)
    assert client.get("/speakers/only-withdrawn/").status_code == 404
    sitemap = sitemap_paths(client)
    assert "/speakers/only-withdrawn/" not in sitemap
    assert "/speakers/still-public/" in sitemap


def test_the_topic_page_and_debate_lists_count_only_public_statements(client, withdrawn):
    statement, _report = withdrawn
    withhold(statement)
    topic = client.get("/topics/elections/")
    assert [row.cells for row in topic.context["matrix"].rows] == [[0, 1]]
    listed = client.get("/debates/").context["page_obj"][0]
    assert listed.statement_count == 1


def test_a_report_shows_that_a_featured_quote_was_withdrawn(client, withdrawn):
    statement, report = withdrawn
    withhold(statement)
    page = client.get(report.get_absolute_url())
    assert "A quote was withdrawn." in page.text
    assert "Kept words zq." in page.text
    assert WITHDRAWN_WORDS not in page.text
    # Not even who said it.
    assert "Only Withdrawn Speaker" not in page.text


def test_a_report_body_quoting_a_withheld_statement_reads_quote_withdrawn(client, withdrawn):
    statement, report = withdrawn
    report.standfirst = ""
    report.save()
    withhold(statement)
    page = client.get(report.get_absolute_url())
    assert "[quote withdrawn]" in page.text
    feed = client.get("/feeds/reports/").text
    assert "[quote withdrawn]" in feed
    assert WITHDRAWN_WORDS not in feed


def test_the_quote_check_flags_a_body_passage_of_a_withheld_statement(admin_client, withdrawn):
    statement, report = withdrawn
    withhold(statement)
    page = admin_client.get(reverse("admin:reports_report_change", args=[report.pk])).text
    assert "quotes a withdrawn statement" in page


def test_staff_keep_a_withheld_statement_in_the_admin(admin_client, withdrawn):
    statement, _report = withdrawn
    withhold(statement)
    debate_page = admin_client.get(
        reverse("admin:debates_debate_change", args=[statement.debate_id])
    )
    assert WITHDRAWN_WORDS in debate_page.text
    listed = admin_client.get(reverse("admin:debates_statement_changelist"), {"withheld__exact": 1})
    assert WITHDRAWN_WORDS in listed.text


def export_json(debates=None):
    out = io.StringIO()
    export_record(out, debates)
    return json.loads(out.getvalue())


def test_export_and_import_carry_withheld_as_the_format_says(withdrawn):
    statement, _report = withdrawn
    withhold(statement)
    data = export_json()
    statements = data["debates"][0]["statements"]
    assert statements[0]["withheld"] is True
    # false is the default, left out.
    assert "withheld" not in statements[1]

    statements[1]["withheld"] = True
    summary = import_record(io.BytesIO(json.dumps(data).encode()))
    assert summary.updated["statements"] == 1
    assert Statement.objects.filter(withheld=True).count() == 2


def test_a_withheld_that_is_not_true_or_false_is_refused(withdrawn):
    data = export_json()
    data["debates"][0]["statements"][0]["withheld"] = "yes"
    with pytest.raises(RecordError) as error:
        import_record(io.BytesIO(json.dumps(data).encode()))
    assert "debates[0].statements[0].withheld: expected true or false, got text" in str(
        error.value.errors
    )


def login_as(client, django_user_model, group_name, username=None):
    user = django_user_model.objects.create_user(
        username or group_name, password="pw-12345!", is_staff=True
    )
    if group_name:
        user.groups.add(Group.objects.get(name=group_name))
    client.force_login(user)
    return user


# Exporting ------------------------------------------------------------------------

DEBATE_LIST = reverse("admin:debates_debate_changelist")


@pytest.fixture
def two_debates(make):
    role = make.participant(name="Zarghuna Exportrole", attribution="role", role="elder")
    anonymous = make.participant(name="Mirwais Exportanon", attribution="anonymous")
    named = make.participant(name="Public Named")
    debates = []
    for slug in ["export-kunduz", "export-ghor"]:
        debate = make.debate(slug=slug)
        for speaker in [role, anonymous, named]:
            make.statement(debate, speaker=speaker)
        debates.append(debate)
    return debates


def export_selected(client, debates):
    return client.post(
        DEBATE_LIST,
        {"action": "export_selected", "_selected_action": [debate.pk for debate in debates]},
    )


def test_data_entry_may_not_export_withheld_names(client, django_user_model, two_debates):
    login_as(client, django_user_model, "Data entry")
    response = export_selected(client, two_debates)
    assert not response.streaming
    assert "Exportrole" not in response.text
    assert "export_selected" not in client.get(DEBATE_LIST).text
    assert not ExportRecord.objects.exists()


def test_an_editor_exports_and_the_export_is_recorded(client, django_user_model, two_debates):
    login_as(client, django_user_model, "Editors", username="farida")
    response = export_selected(client, two_debates[:1])
    assert "Zarghuna Exportrole" in b"".join(response.streaming_content).decode()
    export = ExportRecord.objects.get()
    assert export.actor == "farida"
    assert export.user.username == "farida"
    assert export.via == "admin"
    assert export.debate_slugs == ["export-kunduz"]
    assert (export.everything, export.debate_count, export.withheld_count) == (False, 1, 2)


def test_a_command_line_export_is_recorded_as_the_command_line(tmp_path, two_debates):
    target = tmp_path / "out.json"
    call_command("export_debates", str(target), "--debate", "export-ghor", stderr=io.StringIO())
    call_command("export_debates", stdout=io.StringIO(), stderr=io.StringIO())
    whole, chosen = ExportRecord.objects.order_by("-id")
    assert chosen.actor == f"command line ({os_user()})"
    assert chosen.user is None
    assert (chosen.via, chosen.debate_slugs, chosen.destination) == (
        "command line",
        ["export-ghor"],
        str(target),
    )
    assert (chosen.debate_count, chosen.withheld_count) == (1, 2)
    assert (whole.everything, whole.debate_count, whole.destination) == (
        True,
        2,
        "standard output",
    )


def test_staff_see_the_exports_read_only(client, django_user_model, two_debates):
    ExportRecord.record(None, ["export-ghor"], 1, 2)
    login_as(client, django_user_model, "Data entry")
    listed = client.get(reverse("admin:record_exportrecord_changelist"))
    assert listed.status_code == 200
    assert f"command line ({os_user()})" in listed.text
    export = ExportRecord.objects.get()
    change = client.get(reverse("admin:record_exportrecord_change", args=[export.pk]))
    assert change.status_code == 200
    assert 'name="_save"' not in change.text
    assert client.get(reverse("admin:record_exportrecord_add")).status_code == 403
    deleted = client.post(
        reverse("admin:record_exportrecord_delete", args=[export.pk]), {"post": "yes"}
    )
    assert deleted.status_code == 403
    assert ExportRecord.objects.count() == 1


# Who sees withheld names in the admin ----------------------------------------------

HIDDEN = ["Zarghuna Hiddenname", "Hiddenorg Of Ghor", "zarghuna-hiddenname"]


@pytest.fixture
def hidden(make):
    """A role participant whose name, organisation and slug are withheld, at a debate."""
    participant = make.participant(
        name=HIDDEN[0],
        organisation=HIDDEN[1],
        slug=HIDDEN[2],
        role="provincial council member",
        province="AF-GHO",
        attribution="role",
    )
    named = make.participant(name="Qazi Publicname", organisation="Open Network")
    debate = make.debate(moderator=participant)
    make.statement(debate, speaker=participant, text="Hidden speaker's words.")
    make.statement(debate, speaker=named, text="Named speaker's words.")
    return participant, debate


@pytest.fixture
def view_only(client, django_user_model):
    """Staff who may look at everything in the admin, but not at withheld names."""
    user = django_user_model.objects.create_user("viewer", password="pw-12345!", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__startswith="view_"))
    user.user_permissions.remove(Permission.objects.get(codename="view_withheld_names"))
    client.force_login(user)
    return client


def assert_hidden(text):
    for secret in HIDDEN:
        assert secret.lower() not in text.lower(), secret


def autocomplete(client, term, model_name="statement", field_name="speaker"):
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "debates", "model_name": model_name, "field_name": field_name, "term": term},
    )
    assert response.status_code == 200
    return [result["text"] for result in response.json()["results"]]


def test_staff_without_the_permission_see_the_public_label_in_the_participant_list(
    view_only, hidden
):
    participant, _debate = hidden
    page = view_only.get(reverse("admin:debates_participant_changelist")).text
    assert_hidden(page)
    assert f"a provincial council member in Ghor (participant {participant.pk})" in page
    assert "Qazi Publicname" in page and "Open Network" in page


def test_searching_a_withheld_name_finds_nothing_for_staff_without_the_permission(
    view_only, hidden
):
    listed = view_only.get(reverse("admin:debates_participant_changelist"), {"q": "Zarghuna"})
    assert listed.context["cl"].result_count == 0
    by_role = view_only.get(reverse("admin:debates_participant_changelist"), {"q": "council"})
    assert by_role.context["cl"].result_count == 1
    statements = view_only.get(reverse("admin:debates_statement_changelist"), {"q": "Zarghuna"})
    assert statements.context["cl"].result_count == 0


def test_the_participant_page_shows_staff_without_the_permission_only_the_label(view_only, hidden):
    participant, _debate = hidden
    page = view_only.get(reverse("admin:debates_participant_change", args=[participant.pk]))
    assert page.status_code == 200
    assert_hidden(page.text)
    assert "a provincial council member in Ghor" in page.text
    history = view_only.get(reverse("admin:debates_participant_history", args=[participant.pk]))
    assert history.status_code == 403


def test_autocomplete_neither_finds_nor_shows_a_withheld_name_without_the_permission(
    view_only, hidden
):
    participant, _debate = hidden
    assert autocomplete(view_only, "Zarghuna") == []
    assert autocomplete(view_only, "Hiddenorg") == []
    labels = autocomplete(view_only, "council", model_name="debate", field_name="moderator")
    assert labels == [f"a provincial council member in Ghor (participant {participant.pk})"]


def test_debate_and_statement_pages_show_the_speaker_label_without_the_permission(
    view_only, hidden
):
    _participant, debate = hidden
    debate_page = view_only.get(reverse("admin:debates_debate_change", args=[debate.pk]))
    assert debate_page.status_code == 200
    assert "Hidden speaker&#x27;s words." in debate_page.text
    assert_hidden(debate_page.text)
    statements = view_only.get(reverse("admin:debates_statement_changelist")).text
    assert "Hidden speaker" in statements
    assert_hidden(statements)
    assert "Qazi Publicname" in statements


@pytest.mark.parametrize("group", ["Data entry", "Editors"])
def test_data_entry_and_editors_see_withheld_names(client, django_user_model, hidden, group):
    participant, debate = hidden
    login_as(client, django_user_model, group)
    listed = client.get(reverse("admin:debates_participant_changelist")).text
    assert HIDDEN[0] in listed and HIDDEN[1] in listed
    change = client.get(reverse("admin:debates_participant_change", args=[participant.pk])).text
    assert all(secret in change for secret in HIDDEN)
    assert autocomplete(client, "Zarghuna") == [HIDDEN[0]]
    debate_page = client.get(reverse("admin:debates_debate_change", args=[debate.pk])).text
    assert HIDDEN[0] in debate_page


# Erasing a name --------------------------------------------------------------------

PARTICIPANTS = reverse("admin:debates_participant_changelist")


@pytest.fixture
def with_history(hidden):
    """The hidden participant, changed twice with reasons that name them."""
    participant, _debate = hidden
    participant.role = "council member"
    participant._change_reason = f"{HIDDEN[0]} asked for a shorter role"
    participant.save()
    participant.attribution = "anonymous"
    participant.save()
    LogEntry.objects.create(
        user=get_user_model().objects.create_user("clerk"),
        content_type=ContentType.objects.get_for_model(participant),
        object_id=str(participant.pk),
        object_repr=HIDDEN[0],
        action_flag=CHANGE,
        change_message="[]",
    )
    return participant


def erase(client, participants, confirm=True):
    data = {"action": "erase_names", "_selected_action": [p.pk for p in participants]}
    if confirm:
        data["confirm"] = "yes"
    return client.post(PARTICIPANTS, data)


def history_rows(participant):
    return HistoricalParticipant.objects.filter(id=participant.pk).order_by("history_date")


def test_an_editor_erases_a_withheld_name_from_the_record_and_all_its_history(
    client, django_user_model, with_history
):
    participant = with_history
    rows_before = history_rows(participant).count()
    assert rows_before == 3
    login_as(client, django_user_model, "Editors", username="farida")

    asked = erase(client, [participant], confirm=False)
    assert "This cannot be undone" in asked.text
    assert Participant.objects.get(pk=participant.pk).name == HIDDEN[0]

    erase(client, [participant])
    participant.refresh_from_db()
    assert (participant.name, participant.organisation) == ("erased", "erased")
    assert participant.slug == f"erased-{participant.pk}"
    rows = list(history_rows(participant))
    assert len(rows) == rows_before + 1
    for row in rows:
        values = f"{row.name} {row.organisation} {row.slug} {row.history_change_reason}"
        assert_hidden(values)
    assert {row.name for row in rows} == {"erased"}
    erasure = rows[-1]
    assert erasure.actor == "farida"
    assert erasure.history_change_reason == "name and organisation erased"
    # The admin's log names it by its label now.
    assert_hidden(" ".join(LogEntry.objects.values_list("object_repr", flat=True)))


def test_data_entry_may_not_erase_a_name(client, django_user_model, with_history):
    participant = with_history
    login_as(client, django_user_model, "Data entry")
    erase(client, [participant])
    participant.refresh_from_db()
    assert participant.name == HIDDEN[0]
    assert "erase_names" not in client.get(PARTICIPANTS).text


def test_a_named_participant_cannot_be_erased(client, django_user_model, make):
    named = make.participant(name="Qazi Publicname")
    login_as(client, django_user_model, "Editors")
    response = erase(client, [named], confirm=False)
    assert "is named" in response.text
    erase(client, [named])
    named.refresh_from_db()
    assert named.name == "Qazi Publicname"
