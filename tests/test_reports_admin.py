"""Reports in the admin: the two staff roles, featured quotes and the quote check."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from reports.models import Report

pytestmark = pytest.mark.django_db

ADD_REPORT = reverse("admin:reports_report_add")


def login_as(client, django_user_model, group_name):
    user = django_user_model.objects.create_user(group_name, password="pw-12345!", is_staff=True)
    user.groups.add(Group.objects.get(name=group_name))
    client.force_login(user)
    return client


@pytest.fixture
def data_entry(client, django_user_model):
    return login_as(client, django_user_model, "Data entry")


@pytest.fixture
def editor(client, django_user_model):
    return login_as(client, django_user_model, "Editors")


def report_form(report=None, debates=(), quotes=(), initial_quotes=0, **fields):
    data = {
        "headline": "Afghans reject Russian alliance",
        "slug": "afghans-reject",
        "standfirst": "",
        "byline": "",
        "programme": "",
        "published_on": "2016-01-01",
        "debates": [d.pk for d in debates],
        "body": "Body.",
        "quotes-TOTAL_FORMS": str(len(quotes)),
        "quotes-INITIAL_FORMS": str(initial_quotes),
        "quotes-MIN_NUM_FORMS": "0",
        "quotes-MAX_NUM_FORMS": "1000",
    }
    data.update(fields)
    for i, statement in enumerate(quotes):
        data[f"quotes-{i}-order"] = str(i)
        data[f"quotes-{i}-statement"] = str(statement.pk)
        if report is not None:
            data[f"quotes-{i}-report"] = str(report.pk)
    return data


def change_url(report):
    return reverse("admin:reports_report_change", args=[report.pk])


def test_data_entry_writes_a_draft_report_and_sends_it_for_review(data_entry, make):
    debate = make.debate()
    response = data_entry.post(ADD_REPORT, report_form(debates=[debate], status="draft"))
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.status == "draft"
    assert list(report.debates.all()) == [debate]
    data_entry.post(
        reverse("admin:reports_report_changelist"),
        {"action": "send_for_review", "_selected_action": [report.pk]},
    )
    report.refresh_from_db()
    assert report.status == "review"


def test_data_entry_cannot_publish_a_report(data_entry, make):
    report = make.report(status="review")
    page = data_entry.get(change_url(report))
    choices = page.context["adminform"].form.fields["status"].choices
    assert [value for value, _label in choices] == ["draft", "review"]
    data_entry.post(change_url(report), report_form(status="published"))
    report.refresh_from_db()
    assert report.status == "review"
    data_entry.post(
        reverse("admin:reports_report_changelist"),
        {"action": "publish", "_selected_action": [report.pk]},
    )
    report.refresh_from_db()
    assert report.status == "review"


def test_data_entry_cannot_change_a_published_report(data_entry, make):
    report = make.report(status="published", headline="Live")
    response = data_entry.post(change_url(report), report_form(headline="Changed"))
    assert response.status_code == 403
    assert Report.objects.get().headline == "Live"


def test_data_entry_enters_debates_and_topics_but_not_programmes_or_deletions(data_entry, make):
    debate = make.debate()
    assert data_entry.get(reverse("admin:debates_debate_add")).status_code == 200
    assert data_entry.get(reverse("admin:debates_participant_add")).status_code == 200
    assert data_entry.get(reverse("admin:debates_topic_add")).status_code == 200
    assert data_entry.get(reverse("admin:debates_programme_add")).status_code == 403
    assert (
        data_entry.get(reverse("admin:debates_debate_delete", args=[debate.pk])).status_code == 403
    )


def test_editors_publish_reports(editor, make):
    debate = make.debate()
    statement = make.statement(debate)
    report = make.report(status="draft", debates=[debate], quotes=[statement])
    response = editor.post(
        change_url(report),
        report_form(report, debates=[debate], quotes=[], status="published"),
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == "published"


def test_editors_publish_in_bulk_unless_a_quote_is_from_a_draft_debate(editor, make):
    public = make.debate()
    draft = make.debate(status="draft")
    fine = make.report(status="draft", debates=[public], quotes=[make.statement(public)])
    blocked = make.report(status="draft", debates=[draft], quotes=[make.statement(draft)])
    response = editor.post(
        reverse("admin:reports_report_changelist"),
        {"action": "publish", "_selected_action": [fine.pk, blocked.pk]},
        follow=True,
    )
    assert list(Report.objects.published()) == [fine]
    assert "a published report can only quote published debates" in response.content.decode()


def test_editors_delete_and_change_everything(editor, make):
    topic = make.topic()
    assert editor.get(reverse("admin:debates_topic_change", args=[topic.pk])).status_code == 200
    report = make.report(status="published")
    assert editor.get(change_url(report)).status_code == 200
    assert editor.get(reverse("admin:reports_report_delete", args=[report.pk])).status_code == 200


def test_a_featured_quote_from_another_debate_is_refused(editor, make):
    mine, other = make.debate(title="Mine"), make.debate(title="Other debate")
    report = make.report(status="draft", debates=[mine])
    foreign = make.statement(other)
    response = editor.post(
        change_url(report), report_form(report, debates=[mine], quotes=[foreign], status="draft")
    )
    assert response.status_code == 200
    assert "which this report is not based on" in response.content.decode()
    assert not report.quotes.exists()


def test_a_quote_of_a_debate_added_on_the_same_page_is_accepted(editor, make):
    first, added = make.debate(), make.debate()
    report = make.report(status="draft", debates=[first])
    statement = make.statement(added)
    response = editor.post(
        change_url(report),
        report_form(report, debates=[first, added], quotes=[statement], status="draft"),
    )
    assert response.status_code == 302
    assert [q.statement for q in report.quotes.all()] == [statement]


def test_publishing_a_report_that_quotes_a_draft_debate_is_refused(editor, make):
    draft = make.debate(status="draft")
    report = make.report(status="draft", debates=[draft])
    response = editor.post(
        change_url(report),
        report_form(report, debates=[draft], quotes=[make.statement(draft)], status="published"),
    )
    assert response.status_code == 200
    assert "a published report can only quote published debates" in response.content.decode()
    report.refresh_from_db()
    assert report.status == "draft"


def test_quote_autocomplete_offers_only_statements_of_the_reports_debates(editor, make):
    mine, other = make.debate(), make.debate()
    make.statement(mine, text="Peace needs the provinces.")
    make.statement(other, text="Peace needs the capital.")
    report = make.report(debates=[mine])
    page = editor.get(change_url(report)).content.decode()
    assert f"report={report.pk}" in page
    response = editor.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "reports",
            "model_name": "featuredquote",
            "field_name": "statement",
            "term": "peace",
            "report": report.pk,
        },
    )
    assert [r["text"].split(": ", 1)[1] for r in response.json()["results"]] == [
        "Peace needs the provinces."
    ]


def test_the_quote_check_shows_each_quoted_passage_and_its_verdict(editor, make):
    debate = make.debate()
    make.statement(debate, text="Russia wants a proxy war.")
    report = make.report(
        debates=[debate],
        body='He said “Russia wants a proxy war.” and "Russia wants peace badly."',
    )
    html = editor.get(change_url(report)).content.decode()
    assert '<tr class="quote-matched"><td>“Russia wants a proxy war.”</td>' in html
    assert '<tr class="quote-misquoted"><td>“Russia wants peace badly.”</td>' in html


def test_the_preview_shows_the_sanitised_body(editor, make):
    report = make.report(body="A *story*.\n\n<script>alert('x')</script>")
    html = editor.get(change_url(report)).content.decode()
    assert "<p>A <em>story</em>.</p>" in html
    assert "alert('x')" not in html


# Publishing: a date, and the quote check first ----------------------------------

MISQUOTING = "He said “Russia wants peace badly.”"


@pytest.fixture
def kunduz(make):
    debate = make.debate()
    make.statement(debate, text="Russia wants a proxy war.")
    return debate


def test_publishing_a_report_without_a_date_dates_it_today(editor, make):
    from django.utils import timezone

    report = make.report(status="review", published_on=None)
    editor.post(change_url(report), report_form(report, published_on="", status="published"))
    report.refresh_from_db()
    assert (report.status, report.published_on) == ("published", timezone.localdate())
    listed = make.report(status="review", published_on=None)
    editor.post(
        reverse("admin:reports_report_changelist"),
        {"action": "publish", "_selected_action": [listed.pk]},
    )
    listed.refresh_from_db()
    assert listed.published_on == timezone.localdate()
    # Newest first, above a report of 2016.
    assert list(Report.objects.published().newest_first())[:2] == [listed, report]


def test_publishing_keeps_the_date_a_report_was_given(editor, make):
    report = make.report(status="review", published_on=None)
    editor.post(change_url(report), report_form(report, status="published"))
    report.refresh_from_db()
    assert str(report.published_on) == "2016-01-01"


def test_a_report_is_not_published_on_its_first_save_while_a_quote_is_wrong(editor, kunduz):
    response = editor.post(
        ADD_REPORT, report_form(debates=[kunduz], body=MISQUOTING, status="published")
    )
    assert response.status_code == 200
    assert "The quote check finds 1 quoted passage without an exact source" in (
        response.content.decode()
    )
    assert not Report.objects.exists()
    # Saved as a draft, it is kept, and its check shown.
    editor.post(ADD_REPORT, report_form(debates=[kunduz], body=MISQUOTING, status="draft"))
    assert Report.objects.get().status == "draft"


def test_a_report_with_checked_quotes_is_published_on_its_first_save(editor, kunduz):
    body = "He said “Russia wants a proxy war.”"
    response = editor.post(ADD_REPORT, report_form(debates=[kunduz], body=body, status="published"))
    assert response.status_code == 302
    assert Report.objects.get().status == "published"


def test_an_editor_publishes_despite_the_quote_check_and_the_history_says_so(editor, kunduz, make):
    report = make.report(status="review", debates=[kunduz], body=MISQUOTING)
    editor.post(
        change_url(report), report_form(report, [kunduz], body=MISQUOTING, status="published")
    )
    assert Report.objects.get().status == "review"
    response = editor.post(
        change_url(report),
        report_form(
            report,
            [kunduz],
            body=MISQUOTING,
            status="published",
            publish_despite_quote_check="on",
        ),
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == "published"
    assert report.history.latest().history_change_reason == (
        "published despite the quote check: “Russia wants peace badly.” (misquoted)"
    )


def test_the_publish_action_refuses_a_wrong_quote_unless_told_to_override(editor, kunduz, make):
    report = make.report(status="review", debates=[kunduz], body=MISQUOTING)
    changelist = reverse("admin:reports_report_changelist")
    response = editor.post(
        changelist, {"action": "publish", "_selected_action": [report.pk]}, follow=True
    )
    assert "was not published: the quote check finds 1 quoted passage" in (
        response.content.decode()
    )
    assert Report.objects.get().status == "review"
    editor.post(
        changelist, {"action": "publish_despite_quote_check", "_selected_action": [report.pk]}
    )
    report.refresh_from_db()
    assert report.status == "published"
    assert report.history.latest().history_change_reason.startswith(
        "published despite the quote check"
    )
