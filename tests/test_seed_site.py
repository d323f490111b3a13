"""The demo data on the public site: the seed report's debates read as the article does."""

from pathlib import Path

import pytest

from record.importer import import_record

pytestmark = pytest.mark.django_db

SEED = Path(__file__).resolve().parent.parent / "demo" / "afghans-reject-russian-alliance.json"


@pytest.fixture
def seed():
    import_record(SEED.read_bytes())


def text_of(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_home_page_shows_the_three_published_debates(client, seed):
    response = client.get("/")
    assert len(response.context["latest_debates"]) == 3
    assert [(p.name, p.debate_count) for p in response.context["provinces"]] == [
        ("Ghor", 1),
        ("Kabul", 1),
        ("Kunduz", 1),
    ]


def test_the_kunduz_debate_shows_doormans_quote_under_its_position(client, seed):
    response = client.get("/debates/kunduz-russia-taleban/")
    proxy_war = next(
        group
        for group in response.context["groups"]
        if group.position and group.position.slug == "proxy-war"
    )
    assert [statement.key for statement in proxy_war.statements] == [
        "doorman-proxy-war",
        "doorman-mujahedeen",
    ]
    text = response.content.decode()
    section = text[text.index('id="position-proxy-war"') :]
    section = section[: section.index("</section>")]
    assert "Russia wants to support the Taleban to defeat America." in section
    assert (
        '<a href="/speakers/matiullah-doorman/">Qazi Matiullah Doorman, '
        "civil society activist</a>" in section
    )


def test_the_kabul_debate_shows_its_anonymous_speaker_only_as_one_speaker(client, seed):
    text = text_of(client, "/debates/kabul-russia-taleban/")
    assert '<cite class="speaker" dir="auto">one speaker in the Kabul debate</cite>' in text
    assert "Name on file" not in text and "kabul-speaker-1" not in text


def test_the_ghor_debate_is_dated_by_month(client, seed):
    text = text_of(client, "/debates/ghor-russia-taleban/")
    assert '<time datetime="2015-12">December 2015</time>' in text


def test_the_topic_matrix_shows_where_each_view_was_voiced(client, seed):
    response = client.get("/topics/russia-taleban-alliance/")
    matrix = response.context["matrix"]
    assert [(row.province.name, row.cells) for row in matrix.rows] == [
        ("Ghor", [1, 0, 0, 0]),
        ("Kabul", [0, 0, 0, 2]),
        ("Kunduz", [2, 2, 2, 0]),
    ]


def test_the_seed_report_reads_with_its_three_quotes_linked_to_their_statements(client, seed):
    response = client.get("/reports/afghans-reject-russian-alliance-with-taleban/")
    quotes = [quote.statement for quote in response.context["report"].page_quotes]
    assert [statement.key for statement in quotes] == [
        "doorman-mujahedeen",
        "natiqi-dangerous",
        "hashimi-beneficial",
    ]
    text = response.content.decode()
    assert "Afghans Reject Russian &quot;Alliance&quot; With Taleban" in text
    for statement in quotes:
        assert f'href="{statement.get_absolute_url()}">Read in context' in text
    assert "one speaker in the Kabul debate said that such a scenario" in text


def test_every_seed_debate_links_back_to_the_report(client, seed):
    for slug in ["kunduz", "ghor", "kabul"]:
        text = text_of(client, f"/debates/{slug}-russia-taleban/")
        assert 'href="/reports/afghans-reject-russian-alliance-with-taleban/"' in text
