"""The public pages: what a visitor sees, and what they never see."""

import datetime
import re

import pytest
from django.template.loader import render_to_string

pytestmark = pytest.mark.django_db


def page_text(response):
    return response.content.decode()


def test_the_home_page_lists_latest_debates_topics_and_provinces_with_counts(client, make):
    topic = make.topic(title="Peace talks")
    make.debate(title="Kunduz talks", topic=topic, province="AF-KDZ")
    make.debate(title="Ghor talks", topic=topic, province="AF-GHO")
    make.debate(title="Secret draft", topic=topic, province="AF-GHO", status="draft")

    response = client.get("/")

    text = page_text(response)
    assert "Kunduz talks" in text and "Ghor talks" in text
    assert "Secret draft" not in text
    assert [(t.title, t.debate_count) for t in response.context["topics"]] == [("Peace talks", 2)]
    assert [(p.name, p.debate_count) for p in response.context["provinces"]] == [
        ("Ghor", 1),
        ("Kunduz", 1),
    ]


def test_the_home_page_says_so_when_nothing_is_published(client):
    assert "No debates have been published yet." in page_text(client.get("/"))


def test_debates_filter_by_province_topic_programme_dates_and_words(client, make):
    programme = make.programme(slug="reconciliation")
    topic = make.topic(slug="russia")
    match = make.debate(
        title="Russia's overture",
        topic=topic,
        programme=programme,
        province="AF-KDZ",
        held_on=datetime.date(2015, 12, 1),
    )
    make.debate(title="Other province", topic=topic, programme=programme, province="AF-GHO")
    make.debate(title="Other topic", programme=programme, province="AF-KDZ")
    make.debate(
        title="Too early",
        topic=topic,
        programme=programme,
        province="AF-KDZ",
        held_on=datetime.date(2014, 1, 1),
    )

    response = client.get(
        "/debates/",
        {
            "province": "kunduz",
            "topic": "russia",
            "programme": "reconciliation",
            "held_after": "2015-01-01",
            "held_before": "2015-12-31",
            "q": "overture",
        },
    )

    assert list(response.context["page_obj"]) == [match]
    assert "Clear filters" in page_text(response)


def test_debates_sort_newest_first_unless_asked_for_oldest(client, make):
    old = make.debate(held_on=datetime.date(2014, 1, 1))
    new = make.debate(held_on=datetime.date(2016, 1, 1))
    assert list(client.get("/debates/").context["page_obj"]) == [new, old]
    assert list(client.get("/debates/?sort=oldest").context["page_obj"]) == [old, new]


def test_the_debate_list_paginates_and_keeps_filters_in_page_links(client, make):
    for _ in range(25):
        make.debate(province="AF-KDZ")
    first = client.get("/debates/?province=kunduz")
    assert len(first.context["page_obj"]) == 20
    assert 'href="?province=kunduz&amp;page=2"' in page_text(first)
    assert len(client.get("/debates/?province=kunduz&page=2").context["page_obj"]) == 5


def test_no_matching_debates_says_so(client, make):
    make.debate(province="AF-KDZ")
    response = client.get("/debates/?q=nothing-like-this")
    assert "No debates match these filters." in page_text(response)


@pytest.mark.parametrize(
    "query",
    [
        "province=atlantis",
        "topic=%00",
        "held_after=yesterday",
        "held_before=2015-13-45",
        "sort=sideways",
        "page=999",
        "page=-1",
        "page=abc",
        "programme=" + "x" * 500,
    ],
)
def test_bad_filter_values_give_a_normal_page_never_an_error(client, make, query):
    make.debate()
    response = client.get(f"/debates/?{query}")
    assert response.status_code == 200


def test_an_unknown_or_draft_debate_is_a_styled_404(client, make):
    make.debate(slug="draft-one", status="draft")
    for url in ["/debates/draft-one/", "/debates/no-such-debate/", "/topics/nope/", "/x/"]:
        response = client.get(url)
        assert response.status_code == 404
        assert "Page not found" in page_text(response)


def test_the_500_page_renders_without_a_request():
    html = render_to_string("500.html")
    assert "Something went wrong" in html and "<main" in html


def test_the_debate_page_shows_when_where_programme_question_and_attendance(client, make):
    debate = make.debate(
        title="Russia's overture",
        programme=make.programme(name="Afghan Reconciliation"),
        district="Imam Sahib",
        venue="Youth centre",
        held_on=datetime.date(2015, 12, 1),
        held_on_precision="month",
        attendance_total=80,
        attendance_women=20,
        summary="Speakers rejected the idea.",
    )
    text = page_text(client.get(debate.get_absolute_url()))
    assert '<time datetime="2015-12">December 2015</time>' in text
    assert "Kunduz</a>, Imam Sahib, Youth centre" in text
    assert "Afghan Reconciliation" in text
    assert debate.topic.question in text
    assert "80 people (20 women, 25%)" in text
    assert "Speakers rejected the idea." in text


def test_statements_are_grouped_by_position_in_spoken_order_with_unpositioned_last(client, make):
    debate = make.debate()
    first_against = make.statement(debate, position="against-it", text="First against.")
    no_position = make.statement(debate, text="No side taken.")
    first_for = make.statement(debate, position="for-it", text="First for.")
    second_against = make.statement(debate, position="against-it", text="Second against.")

    response = client.get(debate.get_absolute_url())

    groups = [
        (group.position.slug if group.position else None, group.statements)
        for group in response.context["groups"]
    ]
    assert groups == [
        ("for-it", [first_for]),
        ("against-it", [first_against, second_against]),
        (None, [no_position]),
    ]
    text = page_text(response)
    assert text.index("First for.") < text.index("First against.") < text.index("No side taken.")
    assert '<span class="stance-badge stance--against">Against</span>' in text


def test_quotes_look_different_from_paraphrases(client, make):
    debate = make.debate()
    make.statement(debate, kind="quote", text="Verbatim words.")
    make.statement(debate, kind="paraphrase", text="Reported speech.")
    text = page_text(client.get(debate.get_absolute_url()))
    assert '<blockquote class="statement__text"><p>Verbatim words.</p></blockquote>' in text
    assert '<p class="statement__text">Reported speech.</p>' in text


def test_original_text_is_shown_beside_the_translation_right_to_left(client, make):
    debate = make.debate()
    statement = make.statement(
        debate, text="Peace now.", original_text="صلح همین حالا", original_language="fa-AF"
    )
    text = page_text(client.get(debate.get_absolute_url()))
    assert f'id="statement-{statement.pk}"' in text
    assert '<p class="statement__original" lang="fa-AF" dir="rtl">صلح همین حالا</p>' in text


def test_the_chart_shows_each_positions_share_of_statements(client, make):
    debate = make.debate()
    for position in ["for-it", "for-it", "for-it", "against-it"]:
        make.statement(debate, position=position)
    text = page_text(client.get(debate.get_absolute_url()))
    assert '<rect class="stance--for" width="75" height="6"/>' in text
    assert "3 statements (75%)" in text
    assert "1 statement (25%)" in text


def test_text_from_the_database_is_escaped(client, make):
    debate = make.debate(title="<b>Bold</b> title")
    make.statement(debate, text="<script>alert('x')</script>")
    text = page_text(client.get(debate.get_absolute_url()))
    assert "<script>alert" not in text
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in text
    assert "&lt;b&gt;Bold&lt;/b&gt; title" in text


def test_topic_titles_in_the_debate_filter_are_escaped(client, make):
    make.debate(topic=make.topic(title="<b>Bold</b> topic", slug="bold"))
    text = client.get("/debates/", {"topic": "bold"}).text
    assert "<b>Bold</b>" not in text
    assert '<option value="bold" selected>&lt;b&gt;Bold&lt;/b&gt; topic</option>' in text


def test_the_topic_page_counts_statements_per_province_and_position(client, make):
    topic = make.topic(slug="russia")
    kunduz = make.debate(topic=topic, province="AF-KDZ")
    ghor = make.debate(topic=topic, province="AF-GHO")
    draft = make.debate(topic=topic, province="AF-KAB", status="draft")
    make.statement(kunduz, position="for-it")
    make.statement(kunduz, position="for-it")
    make.statement(kunduz)
    make.statement(ghor, position="against-it")
    make.statement(draft, position="against-it")

    response = client.get("/topics/russia/")

    matrix = response.context["matrix"]
    assert [(row.province.name, row.cells, row.total) for row in matrix.rows] == [
        ("Ghor", [0, 1, 0], 1),
        ("Kunduz", [2, 0, 1], 3),
    ]
    assert matrix.with_unpositioned
    assert set(response.context["page_obj"]) == {ghor, kunduz}
    assert "Kabul" not in page_text(response)


def test_a_topic_with_only_draft_debates_has_no_page(client, make):
    topic = make.topic(slug="hidden")
    make.debate(topic=topic, status="draft")
    assert client.get("/topics/hidden/").status_code == 404
    assert client.get("/topics/").context["page_obj"].paginator.count == 0


def test_the_province_page_lists_its_debates_and_topics(client, make):
    topic = make.topic(title="Water rights")
    here = make.debate(topic=topic, province="AF-GHO")
    make.debate(province="AF-KDZ")
    response = client.get("/provinces/ghor/")
    assert list(response.context["page_obj"]) == [here]
    assert [t.title for t in response.context["topics"]] == ["Water rights"]


def test_a_province_without_debates_has_an_empty_page(client):
    response = client.get("/provinces/daykundi/")
    assert response.status_code == 200
    assert "No debates held in this province have been published yet." in page_text(response)


def test_a_named_speaker_page_shows_role_organisation_province_and_statements(client, make):
    speaker = make.participant(
        name="Qazi Matiullah Doorman",
        slug="doorman",
        role="civil society activist",
        organisation="Kunduz Network",
        province="AF-KDZ",
    )
    kunduz = make.debate(title="Kunduz debate")
    ghor = make.debate(title="Ghor debate", province="AF-GHO")
    draft = make.debate(title="Draft debate", status="draft")
    said_in_kunduz = make.statement(kunduz, speaker=speaker)
    said_in_ghor = make.statement(ghor, speaker=speaker)
    make.statement(draft, speaker=speaker, text="Never public.")

    response = client.get("/speakers/doorman/")

    text = page_text(response)
    for shown in ["Qazi Matiullah Doorman", "civil society activist", "Kunduz Network"]:
        assert shown in text
    assert set(response.context["page_obj"]) == {said_in_kunduz, said_in_ghor}
    assert "Never public." not in text and "Draft debate" not in text
    assert said_in_ghor.get_absolute_url() in text


@pytest.mark.parametrize("attribution", ["role", "anonymous"])
def test_role_and_anonymous_speakers_have_no_page(client, make, attribution):
    speaker = make.participant(slug="withheld", attribution=attribution)
    make.statement(make.debate(), speaker=speaker)
    assert client.get("/speakers/withheld/").status_code == 404


def test_a_named_speaker_heard_only_in_drafts_has_no_page(client, make):
    speaker = make.participant(slug="draft-only")
    make.statement(make.debate(status="draft"), speaker=speaker)
    assert client.get("/speakers/draft-only/").status_code == 404


def test_search_finds_translations_originals_and_titles_and_links_in_context(client, make):
    debate = make.debate(title="Russia's overture to the Taleban")
    translated = make.statement(debate, text="Russia wants a proxy war.")
    original = make.statement(
        debate, text="Peace now.", original_text="صلح همین حالا", original_language="fa-AF"
    )
    make.statement(make.debate(status="draft"), text="Russia in a draft.")

    by_translation = client.get("/search/", {"q": "proxy war"})
    assert list(by_translation.context["page_obj"]) == [translated]
    assert translated.get_absolute_url() in page_text(by_translation)

    by_original = client.get("/search/", {"q": "صلح"})
    assert list(by_original.context["page_obj"]) == [original]

    by_title = client.get("/search/", {"q": "overture"})
    assert list(by_title.context["debates"]) == [debate]

    assert client.get("/search/", {"q": "russia"}).context["page_obj"].paginator.count == 1


def test_a_search_without_results_says_so(client, make):
    make.statement(make.debate(), text="Something else.")
    response = client.get("/search/", {"q": "elephants"})
    assert "Nothing said matches “elephants”" in page_text(response)


@pytest.mark.parametrize("query", ["", "   ", "&|!", "'", "a:*", "\\", "-", '"unclosed'])
def test_odd_search_input_gives_a_normal_page(client, make, query):
    make.statement(make.debate(), text="Peace.")
    assert client.get("/search/", {"q": query}).status_code == 200


def test_the_page_layout_has_landmarks_a_skip_link_and_the_local_stylesheet(client):
    text = page_text(client.get("/"))
    assert '<a class="skip-link" href="#main">' in text
    for landmark in ["<header", "<nav", '<main id="main"', "<footer"]:
        assert landmark in text
    assert '<link rel="stylesheet" href="/static/css/site.css">' in text
    head = text.split("<body", 1)[0]
    # Nothing comes from another host; the hreflang alternates name this site's own pages.
    absolute = re.findall(r'(?:href|src)="(https?://[^"]*)"', head)
    assert absolute and all(url.startswith("http://testserver/") for url in absolute)
    assert "<script" not in head


@pytest.mark.parametrize(
    "url",
    [
        "/search/?q=peace%00talks",
        "/debates/?q=peace%00talks",
        "/debates/?province=kun%00duz",
        "/reports/?programme=%00",
        "/debates/peace%00talks/",
        "/speakers/%00/",
    ],
)
def test_nul_characters_in_input_never_cause_an_error(client, make, url):
    make.statement(make.debate(), text="Peace talks.")
    assert client.get(url).status_code in {200, 404}


def test_an_overlong_search_says_so_and_searches_nothing(client, make):
    make.statement(make.debate(), text="Peace talks.")
    response = client.get("/search/", {"q": "peace " * 100})
    assert response.context["page_obj"].paginator.count == 0
    assert "Ensure this value has at most 200 characters" in response.content.decode()


def test_a_debate_without_topic_or_statements_reads_well(client, make):
    debate = make.debate(topic=None)
    text = page_text(client.get(debate.get_absolute_url()))
    assert "No statements from this debate have been recorded yet." in text


def test_a_debate_without_topic_shows_its_statements_without_positions(client, make):
    debate = make.debate(topic=None)
    make.statement(debate, text="Said without a topic.")
    response = client.get(debate.get_absolute_url())
    assert [(group.position, len(group.statements)) for group in response.context["groups"]] == [
        (None, 1)
    ]
    assert "Said without a topic." in page_text(response)


def test_the_moderator_is_shown_by_the_attribution_rule(client, make):
    moderator = make.participant(name="Hidden Host", role="teacher", attribution="role")
    debate = make.debate(moderator=moderator, province="AF-GHO")
    text = page_text(client.get(debate.get_absolute_url()))
    assert "a teacher in Ghor" in text and "Hidden Host" not in text


# Staff see a debate before it is public -------------------------------------------


def staff_member(django_user_model, client, *permissions, **fields):
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("staff", is_staff=True, **fields)
    user.user_permissions.set(Permission.objects.filter(codename__in=permissions))
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("status", "banner"),
    [("draft", "Not public: draft"), ("review", "Not public: waiting for review")],
)
def test_staff_who_may_view_a_debate_see_its_page_before_it_is_public(
    client, django_user_model, make, status, banner
):
    debate = make.debate(slug="kunduz-draft", title="Kunduz in draft", status=status)
    make.statement(debate, text="Said before publishing.", position="for-it")
    make.statement(debate, text="Taken back by the speaker.", withheld=True)
    assert client.get("/debates/kunduz-draft/").status_code == 404
    staff = staff_member(django_user_model, client, "view_debate")
    response = staff.get("/debates/kunduz-draft/")
    html = page_text(response)
    assert response.status_code == 200
    assert banner in html
    assert "Said before publishing." in html
    assert "Taken back by the speaker." not in html
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert '<meta name="robots" content="noindex, nofollow">' in html


def test_a_published_debate_has_no_banner_for_staff(staff_client, make):
    make.debate(slug="live", status="published")
    response = staff_client.get("/debates/live/")
    assert "Not public" not in page_text(response)
    assert "no-store" not in response.get("Cache-Control", "")


def test_staff_without_permission_to_view_debates_get_404_for_a_draft(
    client, django_user_model, make
):
    make.debate(slug="kunduz-draft", status="draft")
    staff = staff_member(django_user_model, client, "view_report")
    assert staff.get("/debates/kunduz-draft/").status_code == 404


def test_staff_who_owe_their_second_factor_get_404_for_a_draft(
    client, django_user_model, make, settings
):
    settings.REQUIRE_2FA = True
    make.debate(slug="kunduz-draft", status="draft")
    staff = staff_member(django_user_model, client, "view_debate")
    assert staff.get("/debates/kunduz-draft/").status_code == 404


def test_view_on_site_in_the_admin_opens_a_draft_debate(staff_client, make):
    from django.contrib.contenttypes.models import ContentType
    from django.urls import reverse

    debate = make.debate(slug="kunduz-draft", status="draft")
    content_type = ContentType.objects.get_for_model(debate)
    change = staff_client.get(reverse("admin:debates_debate_change", args=[debate.pk]))
    shortcut = reverse("admin:view_on_site", args=[content_type.pk, debate.pk])
    assert shortcut in page_text(change)
    response = staff_client.get(shortcut, follow=True)
    assert response.status_code == 200
    assert "Not public: draft" in page_text(response)


def test_a_draft_stays_out_of_sitemaps_feeds_and_search_even_for_staff(staff_client, make):
    debate = make.debate(slug="kunduz-draft", title="Zanjirwala debate", status="draft")
    make.statement(debate, text="Zanjirwala words.")
    make.report(slug="zanjirwala-report", headline="Zanjirwala report", status="review")
    hidden = ["Zanjirwala debate", "Zanjirwala words", "Zanjirwala report", "kunduz-draft"]
    for url in (
        "/sitemap-debates.xml",
        "/sitemap-reports.xml",
        "/feeds/debates/",
        "/feeds/reports/",
        "/search/?q=Zanjirwala",
        "/debates/",
        "/reports/",
        "/",
    ):
        response = staff_client.get(url)
        assert response.status_code == 200, url
        assert [text for text in hidden if text in page_text(response)] == [], url


def test_a_debate_preview_runs_a_fixed_number_of_queries(
    client, django_user_model, make, django_assert_num_queries
):
    debate = make.debate(slug="kunduz-draft", status="draft")
    for _ in range(5):
        make.statement(debate, speaker=make.participant(), position="for-it")
    staff = staff_member(django_user_model, client, "view_debate")
    staff.get("/debates/kunduz-draft/")  # content types and permissions, cached from then on
    # Session, user, its two-factor devices (2), its permissions (2), whether the debate
    # is public, then the five of the public page.
    with django_assert_num_queries(12):
        assert staff.get("/debates/kunduz-draft/").status_code == 200
