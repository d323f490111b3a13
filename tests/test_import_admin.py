"""Import and export in the admin, for staff without a shell."""

import json
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from debates.models import Debate, Participant, Statement
from record.importer import import_record
from reports.models import Report

pytestmark = pytest.mark.django_db

SEED = Path(__file__).resolve().parent.parent / "demo" / "afghans-reject-russian-alliance.json"
IMPORT_URL = reverse("admin:debates_debate_import")
CHANGELIST_URL = reverse("admin:debates_debate_changelist")


def upload(client, content, name="debates.json"):
    return client.post(IMPORT_URL, {"file": SimpleUploadedFile(name, content)})


def test_the_debate_list_links_to_the_import_page(staff_client):
    response = staff_client.get(CHANGELIST_URL)
    assert IMPORT_URL in response.content.decode()


def test_uploading_the_seed_imports_it_and_shows_what_was_created(staff_client):
    response = upload(staff_client, SEED.read_bytes())
    assert response.status_code == 200
    assert response.context["summary"].created["debates"] == 3
    page = response.content.decode()
    assert "debates: 3 created, 0 updated, 0 deleted" in page
    assert Debate.objects.count() == 3


def test_uploading_the_same_file_again_shows_nothing_changed(staff_client):
    upload(staff_client, SEED.read_bytes())
    response = upload(staff_client, SEED.read_bytes())
    assert "0 created, 0 updated, 0 deleted" in response.content.decode()


def test_a_bad_file_shows_every_error_and_writes_nothing(staff_client):
    seed = json.loads(SEED.read_text(encoding="utf-8"))
    seed["debates"][2]["statements"][1]["speaker"] = "x"
    seed["debates"][0]["held_on"] = "yesterday"
    response = upload(staff_client, json.dumps(seed).encode())
    assert response.status_code == 200
    assert response.context["errors"] == [
        "debates[0].held_on: expected a date as YYYY-MM-DD, got 'yesterday'",
        "debates[2].statements[1].speaker: no participant 'x'",
    ]
    page = response.content.decode()
    assert "2 errors; nothing was imported" in page
    assert "debates[2].statements[1].speaker: no participant &#x27;x&#x27;" in page
    assert Debate.objects.count() == 0


def test_a_file_that_is_not_json_shows_line_and_column(staff_client):
    response = upload(staff_client, b"{not json")
    assert response.context["errors"] == [
        "line 1, column 2: not JSON (Expecting property name enclosed in double quotes)"
    ]


def test_importing_needs_permission_to_add_and_change_debates(client, django_user_model):
    user = django_user_model.objects.create_user("clerk", password="pw-12345!", is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(codename="view_debate"),
        Permission.objects.get(codename="change_debate"),
    )
    client.force_login(user)
    assert IMPORT_URL not in client.get(CHANGELIST_URL).content.decode()
    assert upload(client, SEED.read_bytes()).status_code == 403
    assert Debate.objects.count() == 0
    user.user_permissions.add(Permission.objects.get(codename="add_debate"))
    assert client.get(CHANGELIST_URL).status_code == 200
    assert IMPORT_URL in client.get(CHANGELIST_URL).content.decode()
    assert client.get(IMPORT_URL).status_code == 200


def test_exporting_selected_debates_downloads_them_with_what_they_reference(staff_client):
    import_record(SEED.read_bytes())
    chosen = Debate.objects.filter(slug__in=["kabul-russia-taleban", "ghor-russia-taleban"])
    response = staff_client.post(
        CHANGELIST_URL,
        {"action": "export_selected", "_selected_action": [d.pk for d in chosen]},
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="debates-')
    data = json.loads(b"".join(response.streaming_content))
    assert [d["slug"] for d in data["debates"]] == ["ghor-russia-taleban", "kabul-russia-taleban"]
    assert [p["slug"] for p in data["participants"]] == [
        "abdul-hameed-natiqi",
        "kabul-speaker-1",
        "sayed-farhad-hashimi",
    ]
    assert [t["slug"] for t in data["topics"]] == ["russia-taleban-alliance"]
    # The report also draws on Kunduz, which was not chosen, so it stays out.
    assert "reports" not in data


def test_exporting_every_debate_of_a_report_includes_the_report_and_warns(staff_client):
    import_record(SEED.read_bytes())
    response = staff_client.post(
        CHANGELIST_URL,
        {
            "action": "export_selected",
            "_selected_action": list(Debate.objects.values_list("pk", flat=True)),
        },
    )
    content = b"".join(response.streaming_content)
    data = json.loads(content)
    assert [r["slug"] for r in data["reports"]] == [Report.objects.get().slug]
    # Importing the download into an empty database gives the same debates.
    Report.objects.all().delete()
    Statement.objects.all().delete()
    Debate.objects.all().delete()
    import_record(content)
    assert Debate.objects.count() == 3
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == [
        "The export holds the name of 1 participant whose name is withheld from the "
        "public. It is for staff only."
    ]


@pytest.fixture
def data_entry(client, django_user_model):
    user = django_user_model.objects.create_user("clerk", password="pw-12345!", is_staff=True)
    user.groups.add(Group.objects.get(name="Data entry"))
    client.force_login(user)
    return client


def test_an_upload_may_not_do_what_the_user_may_not_do_in_the_admin(data_entry):
    response = upload(data_entry, SEED.read_bytes())
    may_not_publish = (
        "you do not have permission to publish %s (an editor publishes a %s in review)"
    )
    assert response.context["errors"] == [
        "programmes: you do not have permission to import programmes",
        *(f"debates[{i}].status: " + may_not_publish % ("debates", "debate") for i in range(3)),
        "reports[0].status: " + may_not_publish % ("reports", "report"),
    ]
    assert Debate.objects.count() == 0


def test_data_entry_may_import_debates_and_speakers_on_an_existing_topic(data_entry):
    seed = json.loads(SEED.read_text(encoding="utf-8"))
    import_record(json.dumps({"format": seed["format"], "topics": seed["topics"]}))
    del seed["programmes"], seed["topics"], seed["reports"]
    for debate in seed["debates"]:
        del debate["programme"]
        debate["status"] = "review"
    response = upload(data_entry, json.dumps(seed).encode())
    assert response.context["summary"].created["debates"] == 3
    assert Participant.objects.count() == 6


def test_data_entry_may_import_debates_for_review_on_a_new_topic(data_entry):
    seed = json.loads(SEED.read_text(encoding="utf-8"))
    del seed["programmes"], seed["reports"]
    for debate in seed["debates"]:
        del debate["programme"]
        debate["status"] = "review"
    response = upload(data_entry, json.dumps(seed).encode())
    assert response.context["summary"].created["topics"] == 1
    assert response.context["summary"].created["debates"] == 3


def test_an_upload_changes_a_public_topic_only_with_permission_to_publish_debates(data_entry, make):
    import_record(SEED.read_bytes())
    seed = json.loads(SEED.read_text(encoding="utf-8"))
    topics = seed["topics"]
    topics[0]["positions"][0]["label"] = "A relabelled position"
    response = upload(data_entry, json.dumps({"format": seed["format"], "topics": topics}).encode())
    assert response.context["errors"] == [
        "topics[0]: the topic is public (a published debate is on it): changing it or its "
        "positions needs permission to publish debates; ask an editor"
    ]
    Debate.objects.update(status="review")  # no longer public: Data entry may change it
    response = upload(data_entry, json.dumps({"format": seed["format"], "topics": topics}).encode())
    assert response.context["summary"].updated["positions"] == 1


def test_changing_a_published_report_by_upload_needs_the_publish_permission(data_entry):
    import_record(SEED.read_bytes())
    seed = json.loads(SEED.read_text(encoding="utf-8"))
    upload_only = {"format": seed["format"], "reports": seed["reports"]}
    upload_only["reports"][0]["headline"] = "A new headline"
    response = upload(data_entry, json.dumps(upload_only).encode())
    assert response.context["errors"] == [
        "reports[0]: the report is published: changing or deleting it needs permission to "
        "publish reports (anyone may unpublish it)"
    ]
    assert Report.objects.get().is_published


def test_unpublishing_a_report_by_upload_is_open_to_data_entry(data_entry):
    import_record(SEED.read_bytes())
    seed = json.loads(SEED.read_text(encoding="utf-8"))
    upload_only = {"format": seed["format"], "reports": seed["reports"]}
    upload_only["reports"][0]["status"] = "draft"
    response = upload(data_entry, json.dumps(upload_only).encode())
    assert response.context["summary"].updated["reports"] == 1
    assert Report.objects.get().status == "draft"
