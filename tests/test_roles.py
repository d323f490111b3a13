"""Staff roles × acts: each allowed or refused as the README's "Staff roles" table says.

One table, ``TABLE``: a row per act, a column per role. Each act is done as staff do it,
through the admin (a form, a list action, a delete page) or an admin upload, and reports
whether it took effect. To add an act, write a function that sets it up, does it as
``client`` and returns whether it happened, register it with ``@act("...")`` and add
its row.
"""

import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from debates.models import Debate, Participant, Position, Statement, Topic
from record.exporter import export_record
from record.models import ExportRecord
from reports.models import Report
from tests.admin_forms import form_values

pytestmark = pytest.mark.django_db

DATA_ENTRY, EDITOR, VIEW_ONLY = "Data entry", "Editor", "view-only staff"
ROLES = (DATA_ENTRY, EDITOR, VIEW_ONLY)

ACTS = {}


def act(name):
    def register(function):
        ACTS[name] = function
        return function

    return register


# act                                            Data entry  Editor  view-only
TABLE = [
    ("send a debate for review",                    True,    True,   False),
    ("send a report for review",                    True,    True,   False),
    ("publish a debate (list action)",              False,   True,   False),
    ("publish a debate (its form)",                 False,   True,   False),
    ("publish a report (list action)",              False,   True,   False),
    ("publish a report (its form)",                 False,   True,   False),
    ("unpublish a debate",                          True,    True,   False),
    ("unpublish a report",                          True,    True,   False),
    ("change a published debate",                   False,   True,   False),
    ("edit a draft debate",                         True,    True,   False),
    ("edit a debate in review",                     True,    True,   False),
    ("edit a featured statement (its debate)",      False,   True,   False),
    ("edit a featured statement (its own page)",    False,   True,   False),
    ("withhold a featured statement",               True,    True,   False),
    ("delete a report's debate",                    False,   True,   False),
    ("import that publishes a debate",              False,   True,   False),
    ("import that publishes a report",              False,   True,   False),
    ("import that sends a debate for review",       True,    True,   False),
    ("import that edits a featured statement",      False,   True,   False),
    ("import that withholds a featured statement",  True,    True,   False),
    ("reveal a participant (its form)",             False,   True,   False),
    ("raise a participant's protection",            True,    True,   False),
    ("import that lowers protection",               False,   True,   False),
    ("export debates (list action)",                False,   True,   False),
    ("add a topic with its positions",              True,    True,   False),
    ("edit a topic no published debate is on",      True,    True,   False),
    ("edit a public topic",                         False,   True,   False),
    ("edit a public topic's positions",             False,   True,   False),
    ("edit a public topic's position (its page)",   False,   True,   False),
    ("import that adds a topic",                    True,    True,   False),
    ("import that edits a public topic",            False,   True,   False),
    ("restore a public topic's earlier version",    False,   True,   False),
]  # fmt: skip


def cases():
    return [
        pytest.param(name, role, may, id=f"{role}: {name}")
        for name, *allowed in TABLE
        for role, may in zip(ROLES, allowed, strict=True)
    ]


@pytest.mark.parametrize(("name", "role", "allowed"), cases())
def test_each_role_may_do_what_the_readme_says_and_nothing_more(
    name, role, allowed, django_user_model, make
):
    client = login(role, django_user_model)
    assert ACTS[name](client, make) is allowed


def test_every_act_has_a_row_and_every_row_an_act():
    assert sorted(ACTS) == sorted(name for name, *_allowed in TABLE)


# Roles -----------------------------------------------------------------------------


def login(role, django_user_model):
    user = django_user_model.objects.create_user(role, is_staff=True)
    if role == VIEW_ONLY:
        user.user_permissions.set(
            Permission.objects.filter(
                codename__startswith="view_", content_type__app_label__in=["debates", "reports"]
            )
        )
    else:
        user.groups.add(Group.objects.get(name={DATA_ENTRY: "Data entry"}.get(role, "Editors")))
    client = Client()
    client.force_login(user)
    return client


def superuser_client():
    user, _created = get_user_model().objects.get_or_create(
        username="root", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(user)
    return client


# What the acts work on ------------------------------------------------------------


def featured(make):
    """A published debate with a statement a published report features."""
    debate = make.debate(status="published")
    statement = make.statement(debate, key="featured-quote", text="The original words.")
    report = make.report(status="published", debates=[debate], quotes=[statement])
    return debate, statement, report


def form_data(url):
    """The change form at ``url`` as the admin fills it in, to post back changed."""
    response = superuser_client().get(url)
    assert response.status_code == 200
    return form_values(response)


def inline_row(data, statement):
    """The name of ``statement``'s id in its debate's form data, e.g. statements-0-id."""
    return next(
        name for name, value in data.items() if name.endswith("-id") and value == str(statement.pk)
    )


def post_form(client, url, **changes):
    data = form_data(url)
    data.update(changes)
    return client.post(url, data)


def list_action(client, model, action, objects):
    opts = model._meta
    return client.post(
        reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
        {"action": action, "_selected_action": [obj.pk for obj in objects]},
    )


def change_url(obj):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def upload(client, record):
    """Upload ``record`` (a file's lists) on the admin's import page."""
    content = json.dumps({"format": "debate-record/1", **record}).encode()
    return client.post(
        reverse("admin:debates_debate_import"),
        {"file": SimpleUploadedFile("debates.json", content)},
    )


def exported(*debates):
    out = io.StringIO()
    export_record(out, [debate.slug for debate in debates])
    return json.loads(out.getvalue())


def status_of(obj):
    obj.refresh_from_db()
    return obj.status


# The acts --------------------------------------------------------------------------


@act("send a debate for review")
def send_debate_for_review(client, make):
    debate = make.debate(status="draft")
    list_action(client, Debate, "send_for_review", [debate])
    return status_of(debate) == "review"


@act("send a report for review")
def send_report_for_review(client, make):
    report = make.report(status="draft")
    list_action(client, Report, "send_for_review", [report])
    return status_of(report) == "review"


@act("publish a debate (list action)")
def publish_debate_by_action(client, make):
    debate = make.debate(status="review")
    list_action(client, Debate, "publish", [debate])
    return status_of(debate) == "published"


@act("publish a debate (its form)")
def publish_debate_in_form(client, make):
    debate = make.debate(status="review")
    post_form(client, change_url(debate), status="published")
    return status_of(debate) == "published"


@act("publish a report (list action)")
def publish_report_by_action(client, make):
    report = make.report(status="review")
    list_action(client, Report, "publish", [report])
    return status_of(report) == "published"


@act("publish a report (its form)")
def publish_report_in_form(client, make):
    report = make.report(status="review")
    post_form(client, change_url(report), status="published")
    return status_of(report) == "published"


@act("unpublish a debate")
def unpublish_debate(client, make):
    debate = make.debate(status="published")
    list_action(client, Debate, "unpublish", [debate])
    return status_of(debate) == "draft"


@act("unpublish a report")
def unpublish_report(client, make):
    report = make.report(status="published")
    list_action(client, Report, "unpublish", [report])
    return status_of(report) == "draft"


def edit_debate_title(client, debate):
    post_form(client, change_url(debate), title="A corrected title")
    debate.refresh_from_db()
    return debate.title == "A corrected title"


@act("change a published debate")
def change_published_debate(client, make):
    return edit_debate_title(client, make.debate(status="published"))


@act("edit a draft debate")
def edit_draft_debate(client, make):
    return edit_debate_title(client, make.debate(status="draft"))


@act("edit a debate in review")
def edit_debate_in_review(client, make):
    return edit_debate_title(client, make.debate(status="review"))


@act("edit a featured statement (its debate)")
def edit_featured_statement_inline(client, make):
    debate, statement, _report = featured(make)
    url = change_url(debate)
    data = form_data(url)
    row = inline_row(data, statement)
    data[row.replace("-id", "-text")] = "Words the speaker never said."
    client.post(url, data)
    statement.refresh_from_db()
    return statement.text == "Words the speaker never said."


@act("withhold a featured statement")
def withhold_featured_statement(client, make):
    debate, statement, _report = featured(make)
    url = change_url(debate)
    data = form_data(url)
    row = inline_row(data, statement)
    data[row.replace("-id", "-withheld")] = "on"
    client.post(url, data)
    statement.refresh_from_db()
    return statement.withheld


@act("edit a featured statement (its own page)")
def edit_featured_statement_alone(client, make):
    _debate, statement, _report = featured(make)
    post_form(client, change_url(statement), text="Words the speaker never said.")
    statement.refresh_from_db()
    return statement.text == "Words the speaker never said."


@act("delete a report's debate")
def delete_report_debate(client, make):
    debate = make.debate(status="draft")
    make.report(status="published", debates=[debate, make.debate()])
    client.post(reverse("admin:debates_debate_delete", args=[debate.pk]), {"post": "yes"})
    return not Debate.objects.filter(pk=debate.pk).exists()


@act("import that publishes a debate")
def import_publishing_debate(client, make):
    debate = make.debate(status="review")
    make.statement(debate)
    record = exported(debate)
    record["debates"][0]["status"] = "published"
    upload(client, {"debates": record["debates"]})
    return status_of(debate) == "published"


@act("import that publishes a report")
def import_publishing_report(client, make):
    debate = make.debate(status="published")
    report = make.report(status="review", debates=[debate])
    record = exported(debate)
    record["reports"][0]["status"] = "published"
    upload(client, {"reports": record["reports"]})
    return status_of(report) == "published"


@act("import that sends a debate for review")
def import_sending_for_review(client, make):
    debate = make.debate(status="draft")
    record = exported(debate)
    record["debates"][0]["status"] = "review"
    upload(client, {"debates": record["debates"]})
    return status_of(debate) == "review"


@act("import that edits a featured statement")
def import_editing_featured_statement(client, make):
    debate, statement, _report = featured(make)
    record = exported(debate)
    record["debates"][0]["statements"][0]["text"] = "Words the speaker never said."
    upload(client, {"debates": record["debates"]})
    return Statement.objects.get(pk=statement.pk).text == "Words the speaker never said."


@act("import that withholds a featured statement")
def import_withholding_featured_statement(client, make):
    debate, statement, _report = featured(make)
    record = exported(debate)
    record["debates"][0]["statements"][0]["withheld"] = True
    upload(client, {"debates": record["debates"]})
    return Statement.objects.get(pk=statement.pk).withheld


# What staff see of the rule ------------------------------------------------------


def test_editors_see_what_waits_for_review_on_the_admin_index(django_user_model, make):
    make.debate(status="review")
    make.debate(status="draft")
    make.report(status="review")
    page = login(EDITOR, django_user_model).get(reverse("admin:index")).content.decode()
    assert "Waiting for review" in page
    assert reverse("admin:debates_debate_changelist") + "?status__exact=review" in page
    assert reverse("admin:reports_report_changelist") + "?status__exact=review" in page
    assert page.count("1 waiting") == 2


def test_data_entry_sees_no_review_box_and_may_choose_only_draft_or_review(django_user_model, make):
    client = login(DATA_ENTRY, django_user_model)
    assert "Waiting for review" not in client.get(reverse("admin:index")).content.decode()
    page = client.get(reverse("admin:debates_debate_add"))
    choices = page.context["adminform"].form.fields["status"].choices
    assert [value for value, _label in choices] == ["draft", "review"]


def test_a_refused_change_says_why(django_user_model, make):
    debate = make.debate(status="published")
    response = post_form(login(DATA_ENTRY, django_user_model), change_url(debate), title="New")
    assert "The debate is published: changing or deleting it needs permission" in (
        response.content.decode()
    )


def test_deleting_a_report_debate_names_the_reports_it_leaves(django_user_model, make):
    debate = make.debate(status="draft")
    make.report(status="published", headline="Kunduz speaks", debates=[debate])
    client = login(EDITOR, django_user_model)
    response = client.get(reverse("admin:debates_debate_delete", args=[debate.pk]))
    assert "Published reports are based on this debate: “Kunduz speaks”" in (
        response.content.decode()
    )


def attribution_of(participant):
    return Participant.objects.get(pk=participant.pk).attribution


@act("reveal a participant (its form)")
def reveal_participant_in_form(client, make):
    speaker = make.participant(attribution="anonymous", role="teacher")
    post_form(
        client,
        change_url(speaker),
        attribution="role",
        reveal_reason="She asked to be known as a teacher.",
        confirm_reveal="on",
    )
    return attribution_of(speaker) == "role"


@act("raise a participant's protection")
def raise_protection_in_form(client, make):
    speaker = make.participant(attribution="named")
    post_form(client, change_url(speaker), attribution="anonymous")
    return attribution_of(speaker) == "anonymous"


@act("import that lowers protection")
def import_lowering_protection(client, make):
    speaker = make.participant(attribution="anonymous", role="teacher", province="AF-GHO")
    participant = {"slug": speaker.slug, "name": speaker.name, "attribution": "role"}
    participant.update(role="teacher", province=speaker.province.code)
    content = json.dumps({"format": "debate-record/1", "participants": [participant]}).encode()
    client.post(
        reverse("admin:debates_debate_import"),
        {"file": SimpleUploadedFile("f.json", content), "reason": "She agreed."},
    )
    return attribution_of(speaker) == "role"


@act("export debates (list action)")
def export_by_action(client, make):
    debate = make.debate(status="published")
    response = list_action(client, Debate, "export_selected", [debate])
    return ExportRecord.objects.exists() and "attachment" in response.get("Content-Disposition", "")


# Topics: Data entry's until a published debate is on them -----------------------


@act("add a topic with its positions")
def add_topic(client, make):
    client.post(
        reverse("admin:debates_topic_add"),
        {
            "title": "Water rights",
            "slug": "water-rights",
            "question": "Who owns the river?",
            "description": "",
            "positions-TOTAL_FORMS": "2",
            "positions-INITIAL_FORMS": "0",
            "positions-MIN_NUM_FORMS": "0",
            "positions-MAX_NUM_FORMS": "1000",
            "positions-0-order": "0",
            "positions-0-label": "The farmers",
            "positions-0-slug": "the-farmers",
            "positions-0-stance": "for",
            "positions-1-order": "1",
            "positions-1-label": "The state",
            "positions-1-slug": "the-state",
            "positions-1-stance": "against",
        },
    )
    topic = Topic.objects.filter(slug="water-rights").first()
    return topic is not None and topic.positions.count() == 2


def edit_topic(client, topic):
    """Retitle ``topic`` and relabel its first position, on the topic's page."""
    data = form_data(change_url(topic))
    data["title"] = "A corrected title"
    data["positions-0-label"] = "A corrected label"
    client.post(change_url(topic), data)
    topic.refresh_from_db()
    return (
        topic.title == "A corrected title"
        and topic.positions.filter(label="A corrected label").exists()
    )


@act("edit a topic no published debate is on")
def edit_topic_in_the_making(client, make):
    topic = make.topic()
    make.debate(topic=topic, status="review")
    return edit_topic(client, topic)


@act("edit a public topic")
def edit_public_topic(client, make):
    topic = make.debate(status="published").topic
    post_form(client, change_url(topic), title="A corrected title")
    topic.refresh_from_db()
    return topic.title == "A corrected title"


@act("edit a public topic's positions")
def edit_public_topic_positions(client, make):
    topic = make.debate(status="published").topic
    url = change_url(topic)
    post_form(client, url, **{"positions-0-label": "A corrected label"})
    return topic.positions.filter(label="A corrected label").exists()


@act("edit a public topic's position (its page)")
def edit_public_position_alone(client, make):
    topic = make.debate(status="published").topic
    position = topic.positions.first()
    post_form(client, change_url(position), label="A corrected label")
    return Position.objects.get(pk=position.pk).label == "A corrected label"


@act("import that adds a topic")
def import_adding_topic(client, make):
    topic = {"slug": "water-rights", "title": "Water rights"}
    topic["positions"] = [{"slug": "the-farmers", "label": "The farmers", "stance": "for"}]
    upload(client, {"topics": [topic]})
    return Topic.objects.filter(slug="water-rights", positions__slug="the-farmers").exists()


@act("import that edits a public topic")
def import_editing_public_topic(client, make):
    debate = make.debate(status="published")
    record = exported(debate)
    record["topics"][0]["title"] = "A corrected title"
    upload(client, {"topics": record["topics"]})
    return Topic.objects.get(pk=debate.topic_id).title == "A corrected title"


@act("restore a public topic's earlier version")
def restore_public_topic_version(client, make):
    topic = make.topic(title="The first title")
    topic.title = "The second title"
    topic.save()
    make.debate(topic=topic, status="published")
    first = topic.history.earliest()
    url = reverse("admin:debates_topic_simple_history", args=[topic.pk, first.history_id])
    data = form_data(change_url(topic))
    data["title"] = "The first title"
    client.post(url, data)
    topic.refresh_from_db()
    return topic.title == "The first title"


def test_data_entry_is_told_why_a_public_topic_is_read_only_and_whom_to_ask(
    django_user_model, make
):
    topic = make.debate(status="published").topic
    client = login(DATA_ENTRY, django_user_model)
    page = client.get(change_url(topic)).content.decode()
    assert "The topic is public (a published debate is on it)" in page
    assert "ask an editor" in page
    assert 'name="title"' not in page  # read-only


def test_a_topic_is_public_from_its_first_published_debate_on(make):
    topic = make.topic()
    assert not Topic.objects.get(pk=topic.pk).is_public
    debate = make.debate(topic=topic, status="review")
    assert not Topic.objects.get(pk=topic.pk).is_public
    debate.status = "published"
    debate.save()
    assert Topic.objects.get(pk=topic.pk).is_public
