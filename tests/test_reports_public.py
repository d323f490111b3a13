"""Reports on the public site: list, page, feeds, robots and link previews."""

import datetime
import xml.etree.ElementTree as ET
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def kunduz_report(make):
    debate = make.debate(title="Russia's overture", slug="kunduz-russia")
    speaker = make.participant(name="Qazi Matiullah Doorman", role="civil society activist")
    role = make.participant(name="Withheld Name", role="elder", attribution="role")
    quote = make.statement(debate, speaker=speaker, text="Russia wants a proxy war.")
    paraphrase = make.statement(debate, speaker=role, kind="paraphrase", text="It is risky.")
    report = make.report(
        debates=[debate],
        quotes=[paraphrase, quote],
        headline="Afghans reject Russian alliance",
        slug="afghans-reject",
        standfirst="Diplomat hints at common interests.",
        byline="By our Kunduz reporter",
        body='An activist said "Russia wants a proxy war."\n\nOthers **disagreed**.',
    )
    return SimpleNamespace(report=report, debate=debate, quote=quote, paraphrase=paraphrase)


def test_the_report_page_reads_like_the_article(client, kunduz_report):
    debate = kunduz_report.debate
    text = client.get("/reports/afghans-reject/").content.decode()
    assert "<h1>Afghans reject Russian alliance</h1>" in text
    assert "Diplomat hints at common interests." in text
    assert "By our Kunduz reporter" in text
    assert '<time datetime="2016-01-01">' in text
    assert "<p>Others <strong>disagreed</strong>.</p>" in text
    assert debate.get_absolute_url() in text


def test_featured_quotes_are_cards_in_order_with_public_labels_linked_in_context(
    client, kunduz_report
):
    quote, paraphrase = kunduz_report.quote, kunduz_report.paraphrase
    response = client.get("/reports/afghans-reject/")
    assert [q.statement for q in response.context["report"].page_quotes] == [paraphrase, quote]
    text = response.content.decode()
    assert "an elder in Kunduz" in text and "Withheld Name" not in text
    assert "Qazi Matiullah Doorman, civil society activist" in text
    assert f'href="/debates/kunduz-russia/#statement-{quote.pk}">Read in context' in text


def test_a_quote_from_a_debate_unpublished_later_disappears_from_the_report(
    client, kunduz_report, make
):
    report = kunduz_report.report
    other = make.debate(title="Later withdrawn")
    withdrawn = make.statement(other, text="Withdrawn words.")
    report.debates.add(other)
    report.quotes.create(statement=withdrawn, order=5)
    other.status = "draft"
    other.save()
    text = client.get("/reports/afghans-reject/").content.decode()
    assert "Withdrawn words." not in text and "Later withdrawn" not in text


def test_the_debate_page_links_back_to_published_reports_drawing_on_it(client, kunduz_report, make):
    debate = kunduz_report.debate
    make.report(debates=[debate], headline="Unfinished draft", status="draft")
    text = client.get(debate.get_absolute_url()).content.decode()
    assert 'href="/reports/afghans-reject/">Afghans reject Russian alliance</a>' in text
    assert "Unfinished draft" not in text


def test_the_report_body_is_sanitised_on_the_page(client, make):
    make.report(
        slug="hostile",
        body='<script>alert(1)</script> [x](javascript:alert(2)) <img src=x onerror="alert(3)">',
    )
    text = client.get("/reports/hostile/").content.decode()
    assert "<script>alert(1)" not in text
    assert "javascript:" not in text
    assert "onerror" not in text


def test_reports_list_newest_first_paginated_and_filtered(client, make):
    kunduz = make.debate(province="AF-KDZ")
    ghor = make.debate(province="AF-GHO")
    programme = make.programme(slug="reconciliation")
    for day in range(1, 23):
        make.report(debates=[ghor], published_on=datetime.date(2016, 1, day))
    newest = make.report(
        debates=[kunduz], programme=programme, published_on=datetime.date(2016, 2, 1)
    )
    make.report(debates=[kunduz], status="draft")

    first = client.get("/reports/")
    assert first.context["page_obj"].paginator.count == 23
    assert first.context["page_obj"][0] == newest
    assert len(client.get("/reports/?page=2").context["page_obj"]) == 3
    assert list(client.get("/reports/?province=kunduz").context["page_obj"]) == [newest]
    assert list(client.get("/reports/?programme=reconciliation").context["page_obj"]) == [newest]
    assert client.get("/reports/?province=atlantis").status_code == 200


@pytest.mark.parametrize(
    ("status", "banner"),
    [("draft", "Not public: draft"), ("review", "Not public: waiting for review")],
)
def test_a_report_not_yet_public_has_no_page_but_staff_see_it_with_a_banner(
    staff_client, make, status, banner
):
    debate = make.debate(status="review")
    quote = make.statement(debate, text="Words of a debate in review.")
    make.report(
        slug="not-yet", headline="Not yet public", status=status, debates=[debate], quotes=[quote]
    )
    visitor = Client()
    assert visitor.get("/reports/not-yet/").status_code == 404
    response = staff_client.get("/reports/not-yet/")
    html = response.content.decode()
    assert "Not yet public" in html
    assert banner in html
    # The quotes of debates to be published with it, as the public will then read them.
    assert "Words of a debate in review." in html
    assert "no-store" in response["Cache-Control"]


def test_the_report_form_links_to_its_public_page(staff_client, make):
    draft = make.report(slug="not-yet", status="draft")
    url = reverse("admin:reports_report_change", args=[draft.pk])
    assert 'href="/reports/not-yet/"' in staff_client.get(url).content.decode()


def test_the_reports_feed_lists_published_reports_only(client, make):
    make.report(headline="Published story", slug="published-story")
    make.report(headline="Draft story", status="draft")
    feed = ET.fromstring(client.get("/feeds/reports/").content)
    entries = feed.findall(f"{ATOM}entry")
    assert [entry.find(f"{ATOM}title").text for entry in entries] == ["Published story"]
    link = entries[0].find(f"{ATOM}link").get("href")
    assert link == "http://testserver/reports/published-story/"


def test_the_debates_feed_lists_published_debates_only(client, make):
    make.debate(title="Open debate", held_on=datetime.date(2015, 12, 1))
    make.debate(title="Hidden debate", status="draft")
    feed = ET.fromstring(client.get("/feeds/debates/").content)
    titles = [entry.find(f"{ATOM}title").text for entry in feed.findall(f"{ATOM}entry")]
    assert titles == ["Open debate (Kunduz, 1 December 2015)"]


def test_robots_txt_points_to_the_sitemap_and_keeps_robots_out_of_the_admin(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "Disallow: /admin/" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text


def test_shared_links_read_well(client, kunduz_report):
    text = client.get("/reports/afghans-reject/").content.decode()
    assert '<meta property="og:title" content="Afghans reject Russian alliance">' in text
    assert '<meta name="description" content="Diplomat hints at common interests.">' in text
    assert '<meta property="og:type" content="article">' in text
    assert '<meta property="og:url" content="http://testserver/reports/afghans-reject/">' in text
