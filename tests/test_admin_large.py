"""The admin with many statements: lists that count no million rows, debates in pages.

Query counts are exact and do not grow with the data (see tests/test_query_counts.py for
the public pages); the times at a million statements are in bench/.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from debates.admin import CappedPaginator, StatementInline
from debates.models import Statement

pytestmark = pytest.mark.django_db

STATEMENTS = reverse("admin:debates_statement_changelist")
PAGE = StatementInline.PAGE_SIZE


def fill(make, debate, count, **fields):
    speaker = make.participant(name="Qazi Listedspeaker", attribution="role", province="AF-GHO")
    return [
        make.statement(debate, speaker=speaker, position="for-it", order=n, **fields)
        for n in range(count)
    ]


@pytest.mark.parametrize("count", [1, 30])
@pytest.mark.parametrize(
    ("query", "queries"),
    [
        ({}, 11),
        # Each word: the speakers and the debates it finds, by id.
        ({"q": "peace"}, 13),
        ({"q": "peace Listedspeaker"}, 15),
        ({"withheld__exact": "0", "debate__status__exact": "published"}, 11),
    ],
)
def test_the_statement_list_runs_a_fixed_number_of_queries(
    staff_client, make, django_assert_num_queries, count, query, queries
):
    for _ in range(count):
        fill(make, make.debate(), 1, text="Peace talks now.")
    staff_client.get(STATEMENTS)  # content types and permissions, cached from then on
    with django_assert_num_queries(queries):
        response = staff_client.get(STATEMENTS, query)
    assert response.status_code == 200
    assert response.context["cl"].result_count == count


def test_the_statement_search_finds_words_in_text_key_speaker_and_debate_title(staff_client, make):
    debate = make.debate(title="Water rights in Herat")
    speaker = make.participant(name="Nasrin Searchedname")
    by_text = make.statement(debate, text="The canal is dry.")
    by_key = make.statement(make.debate(), text="Other words.", key="canal-key")
    by_speaker = make.statement(make.debate(), text="More words.", speaker=speaker)
    make.statement(make.debate(), text="Unrelated.")

    def found(words):
        response = staff_client.get(STATEMENTS, {"q": words})
        return {statement.pk for statement in response.context["cl"].result_list}

    assert found("canal") == {by_text.pk, by_key.pk}
    assert found("searchedname") == {by_speaker.pk}
    assert found("herat") == set(debate.statements.values_list("pk", flat=True))
    assert found("herat dry") == {by_text.pk}
    assert found('"the canal"') == {by_text.pk}


def test_the_statement_list_is_newest_first_and_sorts_by_no_column(staff_client, make):
    debate = make.debate()
    statements = fill(make, debate, 3)
    response = staff_client.get(STATEMENTS)
    assert [s.pk for s in response.context["cl"].result_list] == [s.pk for s in statements][::-1]
    # Sorting a million rows by another table's column (the debate's date) is not offered.
    assert "sortable" not in response.text.split('id="result_list"')[1].split("</thead>")[0]


def test_a_list_longer_than_the_cap_is_counted_only_to_the_cap(staff_client, make, monkeypatch):
    monkeypatch.setattr(CappedPaginator, "CAP", 4)
    fill(make, make.debate(), 6, text="Peace now.")
    searched = staff_client.get(STATEMENTS, {"q": "peace"})
    assert searched.context["cl"].result_count == 4
    # Unfiltered, PostgreSQL's estimate of the table's rows may count more (never fewer).
    assert staff_client.get(STATEMENTS).context["cl"].result_count >= 4


def debate_page(client, debate, page=None):
    query = {StatementInline.PAGE_PARAM: page} if page else {}
    return client.get(reverse("admin:debates_debate_change", args=[debate.pk]), query)


def shown_statements(response):
    formset = response.context["inline_admin_formsets"][0].formset
    return [form.instance.pk for form in formset.initial_forms]


def test_a_big_debate_is_edited_fifty_statements_at_a_time(staff_client, make):
    debate = make.debate()
    statements = [s.pk for s in fill(make, debate, PAGE + 10)]

    first = debate_page(staff_client, debate)
    second = debate_page(staff_client, debate, 2)

    assert shown_statements(first) == statements[:PAGE]
    assert shown_statements(second) == statements[PAGE:]
    assert f"Statements 1 to {PAGE} of {PAGE + 10}." in first.text
    assert f'href="?{StatementInline.PAGE_PARAM}=2"' in first.text
    assert f"Statements {PAGE + 1} to {PAGE + 10} of {PAGE + 10}." in second.text


@pytest.mark.parametrize("count", [1, PAGE + 10])
def test_a_big_debate_page_runs_a_fixed_number_of_queries(
    staff_client, make, django_assert_num_queries, count
):
    debate = make.debate(moderator=make.participant())
    for n in range(count):
        make.statement(debate, speaker=make.participant(), position="for-it", order=n)
    debate_page(staff_client, debate)  # content types and permissions, cached from then on
    with django_assert_num_queries(18):
        response = debate_page(staff_client, debate, 2 if count > PAGE else None)
    assert response.status_code == 200


def test_saving_one_page_of_statements_leaves_the_other_pages_alone(staff_client, make):
    debate = make.debate(status="draft")
    statements = fill(make, debate, PAGE + 10)
    before = list(debate.statements.values_list("pk", "order", "text"))
    response = debate_page(staff_client, debate, 2)
    data = _form_data(response)
    shown = shown_statements(response)
    data["statements-0-text"] = "Changed on page two."
    data["statements-1-DELETE"] = "on"
    new = int(data["statements-TOTAL_FORMS"]) - 1
    data[f"statements-{new}-text"] = "Added on page two."
    data[f"statements-{new}-kind"] = "quote"

    saved = staff_client.post(
        reverse("admin:debates_debate_change", args=[debate.pk])
        + f"?{StatementInline.PAGE_PARAM}=2",
        {**data, "_continue": "1"},
    )

    assert saved.status_code == 302, saved.context and saved.context["errors"]
    assert saved["Location"].endswith(f"{StatementInline.PAGE_PARAM}=2")
    after = list(debate.statements.values_list("pk", "order", "text"))
    # Page one as it was; on page two one changed, one deleted, one added last.
    assert after[:PAGE] == before[:PAGE]
    assert Statement.objects.get(pk=shown[0]).text == "Changed on page two."
    assert not Statement.objects.filter(pk=shown[1]).exists()
    assert after[-1][1:] == (PAGE + 10, "Added on page two.")
    assert len(after) == len(statements)


def _form_data(response):
    """What the browser would post back: every field of the page's form as shown."""
    data = {}
    adminform = response.context["adminform"].form
    for name in adminform.fields:
        value = adminform[name].value()
        data[name] = "" if value is None else value
    formset = response.context["inline_admin_formsets"][0].formset
    for key, value in formset.management_form.initial.items():
        data[f"{formset.prefix}-{key}"] = value
    data[f"{formset.prefix}-TOTAL_FORMS"] = len(formset.forms)
    for form in formset.forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = value
    return data


AUTOCOMPLETE = reverse("admin:autocomplete")


@pytest.mark.parametrize("count", [1, 15])
@pytest.mark.parametrize(
    ("source", "field", "queries"),
    [
        ("statement", "speaker", 8),
        ("statement", "debate", 8),
        ("statement", "position", 8),
    ],
)
def test_autocomplete_runs_a_fixed_number_of_queries(
    staff_client, make, django_assert_num_queries, count, source, field, queries
):
    topic = make.topic(title="Autotopic", positions=[f"autoposition-{n}" for n in range(count)])
    for n in range(count):
        debate = make.debate(title=f"Autodebate {n}", topic=topic, province="AF-GHO")
        make.statement(
            debate, speaker=make.participant(name=f"Autospeaker {n}", attribution="role")
        )
    term = {"speaker": "autospeaker", "debate": "autodebate", "position": "autoposition"}[field]
    query = {"app_label": "debates", "model_name": source, "field_name": field, "term": term}
    staff_client.get(AUTOCOMPLETE, query)
    with django_assert_num_queries(queries):
        response = staff_client.get(AUTOCOMPLETE, query)
    assert len(response.json()["results"]) == count


def test_a_report_on_many_debates_opens_with_as_many_queries_as_on_one(staff_client, make):
    def queries_for(debate_count):
        debates = [make.debate() for _ in range(debate_count)]
        report = make.report(debates=debates, quotes=[make.statement(debates[0])])
        page = reverse("admin:reports_report_change", args=[report.pk])
        with CaptureQueriesContext(connection) as queries:
            assert staff_client.get(page).status_code == 200
        return len(queries)

    queries_for(1)  # content types and permissions, cached from then on
    assert queries_for(12) == queries_for(1)


@pytest.mark.parametrize("count", [1, 12])
def test_the_debate_list_runs_a_fixed_number_of_queries(
    staff_client, make, django_assert_num_queries, count
):
    for _ in range(count):
        make.debate(programme=make.programme())
    page = reverse("admin:debates_debate_changelist")
    staff_client.get(page)  # content types and permissions, cached from then on
    with django_assert_num_queries(16):
        assert staff_client.get(page).status_code == 200
