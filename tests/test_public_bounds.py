"""Hostile or careless input to public pages gets a clear answer, never a 500 or minutes of CPU."""

import xml.etree.ElementTree as ET

import pytest

from debates.forms import QUERY_MAX_LENGTH, QUERY_MAX_WORDS

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def debates(make):
    topic = make.topic(title="Peace talks")
    return [make.debate(title=f"Debate {n} on peace", topic=topic) for n in range(25)]


def test_the_debate_list_refuses_a_query_of_1600_words_with_a_message(client, debates):
    response = client.get("/debates/", {"q": " ".join(["ab"] * 1600)})
    assert response.status_code == 200
    assert f"Use at most {QUERY_MAX_WORDS} words." in response.content.decode()
    assert "Some filters were not understood" in response.content.decode()


def test_the_debate_list_refuses_one_word_of_50001_letters_with_a_message(client, debates):
    response = client.get("/debates/", {"q": "a" * 50_001})
    assert response.status_code == 200
    assert f"at most {QUERY_MAX_LENGTH} characters" in response.content.decode()


def test_the_debate_list_still_filters_by_a_query_within_the_bounds(client, debates, make):
    make.debate(title="Water rights in Ghor")
    words = " ".join(["water"] * QUERY_MAX_WORDS)
    response = client.get("/debates/", {"q": words})
    assert [d.title for d in response.context["page_obj"]] == ["Water rights in Ghor"]


def test_search_refuses_more_words_than_it_takes_and_searches_for_nothing(client, debates):
    response = client.get("/search/", {"q": " ".join(["peace"] * (QUERY_MAX_WORDS + 1))})
    assert response.status_code == 200
    assert f"Use at most {QUERY_MAX_WORDS} words." in response.content.decode()
    assert response.context["query"] == ""


def test_search_refuses_a_query_longer_than_it_takes(client, debates):
    response = client.get("/search/", {"q": "peace " + "a" * QUERY_MAX_LENGTH})
    assert response.status_code == 200
    assert f"at most {QUERY_MAX_LENGTH} characters" in response.content.decode()


@pytest.mark.parametrize("page", ["999999", "-1", "0"])
def test_a_page_number_past_either_end_gives_the_last_page(client, debates, page):
    response = client.get("/debates/", {"page": page})
    assert response.status_code == 200
    assert response.context["page_obj"].number == 2


@pytest.mark.parametrize("page", ["two", "1e9", "\x00", "9" * 5000])
def test_a_page_number_that_is_not_a_number_gives_a_page_not_an_error(client, debates, page):
    response = client.get("/debates/", {"page": page})
    assert response.status_code == 200
    assert response.context["page_obj"].number in (1, 2)


@pytest.mark.parametrize(
    "params",
    [
        {"q": "peace\x00"},
        {"province": "kunduz\x00"},
        {"topic": "x" * 50_000},
        {"held_after": "2015-13-45"},
        {"held_before": "\x00"},
        {"sort": "sideways"},
        "programme=%ED%A0%80",  # a lone surrogate, as bytes that are not UTF-8
        "topic=%FF%FE",
    ],
)
def test_the_debate_list_answers_nonsense_filters_without_an_error(client, debates, params):
    if isinstance(params, str):
        response = client.get(f"/debates/?{params}")
    else:
        response = client.get("/debates/", params)
    assert response.status_code == 200
    assert "Some filters were not understood" in response.content.decode()


@pytest.mark.parametrize("path", ["/search/", "/reports/"])
def test_other_public_lists_answer_nonsense_without_an_error(client, debates, path):
    response = client.get(path, {"q": "\x00" * 3, "province": "\x00", "page": "\x00"})
    assert response.status_code == 200


def summaries(client, path):
    feed = ET.fromstring(client.get(path).content)
    return [entry.find(f"{ATOM}summary") for entry in feed.findall(f"{ATOM}entry")]


def test_the_debates_feed_sends_a_summary_as_plain_text_a_reader_will_not_run(client, make):
    make.debate(summary='<script>alert(1)</script><img src=x onerror="alert(2)"> & more')
    [summary] = summaries(client, "/feeds/debates/")
    assert summary.get("type") == "text"
    assert summary.text == '<script>alert(1)</script><img src=x onerror="alert(2)"> & more'


def test_the_reports_feed_sends_a_standfirst_as_plain_text(client, make):
    make.report(standfirst="Prices <b>rose</b> & wages fell")
    [summary] = summaries(client, "/feeds/reports/")
    assert summary.get("type") == "text"
    assert summary.text == "Prices <b>rose</b> & wages fell"


def test_a_report_without_a_standfirst_is_described_from_its_body_escaped_once(client, make):
    make.report(slug="prices", standfirst="", body="Prices > wages & *rents* rose.")
    text = client.get("/reports/prices/").content.decode()
    assert '<meta name="description" content="Prices &gt; wages &amp; rents rose.">' in text
    assert "&amp;gt;" not in text
    [summary] = summaries(client, "/feeds/reports/")
    assert summary.text == "Prices > wages & rents rose."
