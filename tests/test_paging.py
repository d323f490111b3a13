"""Public lists that grow with the record come in pages, and a link still finds its page."""

import json

import pytest
from django.db import connection
from django.test import RequestFactory

from debates import views
from debates.models import Debate, Statement

pytestmark = pytest.mark.django_db


def big_debate(make, statements=250, **fields):
    """A published debate of ``statements`` statements, in spoken order, half for it."""
    debate = make.debate(**fields)
    positions = list(debate.topic.positions.all())
    Statement.objects.bulk_create(
        Statement(
            debate=debate,
            order=number,
            position=positions[number % 2],
            kind="quote",
            text=f"Said at turn {number}.",
        )
        for number in range(statements)
    )
    return debate


def test_a_big_debate_shows_its_statements_a_hundred_to_a_page_with_the_whole_chart(client, make):
    debate = big_debate(make, 250)

    first = client.get(debate.get_absolute_url())
    last = client.get(debate.get_absolute_url() + "?page=3")

    assert "Said at turn 0." in first.text and "Said at turn 99." in first.text
    assert "Said at turn 100." not in first.text
    assert "Said at turn 200." in last.text and "Said at turn 249." in last.text
    assert "Said at turn 199." not in last.text
    assert "Page 3 of 3" in last.text
    # The chart counts the whole debate on every page.
    for response in (first, last):
        assert "How the 250 statements divide across positions" in response.text
        assert [group.count for group in response.context["groups"]] == [125, 125]


def test_a_statement_link_on_page_3_of_a_big_debate_lands_on_the_page_that_shows_it(client, make):
    debate = big_debate(make, 250)
    statement = debate.statements.get(order=230)

    url = statement.get_absolute_url()

    assert url == f"{debate.get_absolute_url()}?page=3#statement-{statement.pk}"
    assert f'id="statement-{statement.pk}"' in client.get(url).text


def test_a_statement_on_the_first_page_links_without_a_page_number(make):
    debate = big_debate(make, 150)
    statement = debate.statements.get(order=99)
    assert statement.get_absolute_url() == f"{debate.get_absolute_url()}#statement-{statement.pk}"


def test_withheld_statements_take_no_place_so_a_link_follows_what_the_public_sees(client, make):
    debate = big_debate(make, 250)
    debate.statements.filter(order__lt=40).update(withheld=True)
    statement = debate.statements.get(order=230)

    url = statement.get_absolute_url()

    assert "?page=2#" in url
    assert f'id="statement-{statement.pk}"' in client.get(url).text


def test_read_in_context_from_a_speaker_page_or_a_report_lands_on_the_statements_page(client, make):
    debate = big_debate(make, 250)
    speaker = make.participant(slug="talker")
    statement = debate.statements.get(order=230)
    statement.speaker = speaker
    statement.save()
    report = make.report(debates=[debate], quotes=[statement], slug="long-debate")
    link = f'href="{debate.get_absolute_url()}?page=3#statement-{statement.pk}"'

    for page in ("/speakers/talker/", report.get_absolute_url()):
        assert link in client.get(page).text


def test_the_home_page_shows_the_most_debated_topics_and_links_to_all(client, make):
    for number in range(views.TOPICS_ON_HOME + 3):
        topic = make.topic(title=f"Topic number {number:02}")
        for _ in range(number):
            make.debate(topic=topic)

    response = client.get("/")

    shown = [topic.title for topic in response.context["topics"]]
    assert len(shown) == views.TOPICS_ON_HOME
    assert shown[0] == f"Topic number {views.TOPICS_ON_HOME + 2:02}"
    assert "Topic number 01" not in response.text
    assert 'href="/topics/"' in response.text


def test_the_topics_list_comes_in_pages_with_counts(client, make):
    for number in range(views.TOPICS_PER_PAGE + 1):
        make.debate(topic=make.topic(title=f"Topic {number:03}"))

    first = client.get("/topics/")
    second = client.get("/topics/?page=2")

    assert len(first.context["page_obj"]) == views.TOPICS_PER_PAGE
    assert [(t.title, t.debate_count) for t in second.context["page_obj"]] == [
        (f"Topic {views.TOPICS_PER_PAGE:03}", 1)
    ]
    assert 'href="?page=2"' in first.text


def test_a_deep_page_of_debates_counts_statements_of_its_own_debates(client, make):
    for number in range(25):
        debate = make.debate(title=f"Debate {number:02}")
        for _ in range(number % 3):
            make.statement(debate)

    response = client.get("/debates/?page=2&sort=oldest")

    assert [(d.title, d.statement_count) for d in response.context["page_obj"]] == [
        (f"Debate {number:02}", number % 3) for number in range(20, 25)
    ]


def test_a_speaker_of_more_statements_than_a_page_lists_says_how_many_it_shows(
    client, make, monkeypatch
):
    monkeypatch.setattr(views, "SPEAKER_STATEMENTS_CAP", 40)
    speaker = make.participant(slug="talker")
    debate = make.debate()
    Statement.objects.bulk_create(
        Statement(debate=debate, order=n, speaker=speaker, kind="quote", text=f"Turn {n}.")
        for n in range(45)
    )

    response = client.get("/speakers/talker/")

    assert "More than 40 statements; the newest 40 are listed" in response.text
    assert response.context["page_obj"].paginator.num_pages == 2


def test_on_postgresql_a_deep_page_counts_statements_for_its_own_rows_only(make):
    if connection.vendor != "postgresql":
        pytest.skip("reads a PostgreSQL plan")
    for number in range(45):
        make.statement(make.debate(title=f"Debate {number:02}"))
    request = RequestFactory().get("/debates/", {"page": 2})

    page = views.debate_page(request, Debate.objects.published().newest_first())
    plan = json.loads(page.object_list.explain(format="json", analyze=True))[0]["Plan"]

    # The page's ids come from a LIMIT/OFFSET over debates alone; statements are counted
    # in a subplan of the outer query, once for each of the page's 20 rows.
    limit = next(node for node in walk(plan) if node["Node Type"] == "Limit")
    assert not any(node.get("Relation Name") == "debates_statement" for node in walk(limit))
    counting = [node for node in walk(plan) if node.get("Relation Name") == "debates_statement"]
    assert counting and all(node["Actual Loops"] == 20 for node in counting)
    assert len(page) == 20


def walk(node):
    yield node
    for child in node.get("Plans", []):
        yield from walk(child)
