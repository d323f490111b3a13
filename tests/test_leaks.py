"""Nothing withheld reaches the public: crawl every public URL and look for it.

The data below has speakers whose names, organisations and slugs must stay in the
admin, and drafts whose titles must not exist for the public. Every string in SECRETS
is distinctive, so finding any of them anywhere in a response (text, title, attribute,
URL, comment, feed, sitemap) is a leak.
"""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from debates.models import Participant, Statement
from tests.crawl import crawl

pytestmark = pytest.mark.django_db

NAMED_NAME = "Qazi Matiullah Doorman"

SECRETS = {
    "role speaker's name": "Zarghuna Withheldrole",
    "role speaker's organisation": "Secretorg Of Role",
    "role speaker's slug": "zz-withheld-role",
    "anonymous speaker's name": "Mirwais Withheldanon",
    "anonymous speaker's organisation": "Secretorg Of Anon",
    "anonymous speaker's slug": "zz-withheld-anon",
    "role speaker's Dari name": "زرغونه پنهان‌نام",
    "role speaker's Pashto name": "زرغونه پټ‌نوم",
    "anonymous speaker's Dari name": "میرویس بی‌نام‌زاده",
    "unchosen attribution's name": "Nabila Unchosen",
    "anonymous moderator's name": "Hidden Moderatorname",
    "draft debate's title": "Draftdebate Title Zq",
    "draft debate's slug": "zz-draft-debate",
    "draft debate's statement": "Draftstatement words zq",
    "draft-only topic": "Drafttopic Question Zq",
    "draft-only speaker": "Onlyindraft Speakername",
    "draft report's headline": "Draftreport Headline Zq",
    "draft report's slug": "zz-draft-report",
}


@pytest.fixture
def sensitive_site(make):
    topic = make.topic(title="Elections", slug="elections")
    role = make.participant(
        name=SECRETS["role speaker's name"],
        organisation=SECRETS["role speaker's organisation"],
        slug=SECRETS["role speaker's slug"],
        role="provincial council member",
        province="AF-GHO",
        attribution="role",
        translations={
            "fa": {"name": SECRETS["role speaker's Dari name"], "role": "عضو شورای ولایتی"},
            "ps": {"name": SECRETS["role speaker's Pashto name"]},
        },
    )
    anonymous = make.participant(
        name=SECRETS["anonymous speaker's name"],
        organisation=SECRETS["anonymous speaker's organisation"],
        slug=SECRETS["anonymous speaker's slug"],
        role="teacher",
        attribution="anonymous",
        translations={"fa": {"name": SECRETS["anonymous speaker's Dari name"]}},
    )
    unchosen = make.participant(name=SECRETS["unchosen attribution's name"], attribution="")
    moderator = make.participant(
        name=SECRETS["anonymous moderator's name"], attribution="anonymous"
    )
    named = make.participant(
        name=NAMED_NAME,
        slug="qazi-matiullah-doorman",
        role="civil society activist",
        organisation="Kunduz Civil Society Network",
        attribution="named",
    )
    debates = []
    for number, province in enumerate(["AF-KDZ", "AF-GHO", "AF-KAB"] * 9):
        debate = make.debate(
            topic=topic, province=province, moderator=moderator, summary=f"Debate {number}."
        )
        debates.append(debate)
        for speaker, position in [(role, "for-it"), (anonymous, "against-it"), (named, None)]:
            make.statement(debate, speaker=speaker, position=position, text=f"Said {number}.")
        make.statement(debate, speaker=unchosen, text=f"Also said {number}.")
    # The first debate runs to a second page, spoken by the withheld speakers.
    Statement.objects.bulk_create(
        Statement(debate=debates[0], order=10 + n, speaker=speaker, kind="quote", text="More.")
        for n, speaker in enumerate([role, anonymous, unchosen] * 40)
    )
    make.report(
        debates=debates[:3],
        quotes=[debates[0].statements.first(), debates[1].statements.last()],
        headline="What Kunduz and Ghor said",
        body='One speaker said "Said 0." and another disagreed.',
    )

    draft_topic = make.topic(title=SECRETS["draft-only topic"])
    draft_only_speaker = make.participant(name=SECRETS["draft-only speaker"], attribution="named")
    draft = make.debate(
        title=SECRETS["draft debate's title"],
        slug=SECRETS["draft debate's slug"],
        topic=draft_topic,
        status="draft",
        summary=SECRETS["draft debate's title"],
    )
    make.statement(draft, speaker=draft_only_speaker, text=SECRETS["draft debate's statement"])
    make.report(
        debates=[draft],
        headline=SECRETS["draft report's headline"],
        slug=SECRETS["draft report's slug"],
        status="draft",
    )
    return debates


def test_no_withheld_name_or_draft_reaches_any_public_response(client, sensitive_site):
    probes = [SECRETS["role speaker's name"], SECRETS["draft debate's statement"], "Said"]
    pages = crawl(client, words=probes)

    crawled = {page.url for page in pages}
    # The crawl really reached every kind of public page, feed and the sitemap.
    for expected in [
        "/debates/",
        sensitive_site[0].get_absolute_url(),
        "/topics/elections/",
        "/provinces/ghor/",
        "/reports/",
        "/feeds/debates/",
        "/feeds/reports/",
        "/sitemap.xml",
        "/sitemap-debates.xml",
        "/sitemap-reports.xml",
        "/sitemap-topics.xml",
        "/sitemap-provinces.xml",
        "/sitemap-speakers.xml",
        "/debates/?page=2",
        f"{sensitive_site[0].get_absolute_url()}?page=2",
        "/debates/?province=kunduz",
    ]:
        assert expected in crawled
    assert any(url.startswith("/speakers/") for url in crawled)
    assert any(url.startswith("/reports/") and url != "/reports/" for url in crawled)
    assert any(url.startswith("/search/?q=") for url in crawled)

    assert leaks(pages, SECRETS) == []


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_no_withheld_name_or_draft_reaches_any_public_response_in_any_language(
    client, sensitive_site, every_language
):
    debate = sensitive_site[0].get_absolute_url()
    probes = [SECRETS["role speaker's name"], SECRETS["draft debate's statement"], "Said"]
    pages = crawl(client, words=probes, limit=10000)

    crawled = {page.url for page in pages}
    for prefix in ("", "/fa", "/ps"):
        for expected in [
            f"{prefix}/debates/",
            f"{prefix}{debate}",
            f"{prefix}/topics/elections/",
            f"{prefix}/provinces/ghor/",
            f"{prefix}/speakers/qazi-matiullah-doorman/",
            f"{prefix}/feeds/debates/",
            f"{prefix}/feeds/reports/",
            f"{prefix}/debates/?page=2",
        ]:
            assert expected in crawled
        assert any(url.startswith(f"{prefix}/search/?q=") for url in crawled)
    assert len(pages) < 10000

    assert leaks(pages, SECRETS) == []


def leaks(pages, secrets):
    """What each crawled page shows that it must not."""
    problems = []
    for page in pages:
        if page.status >= 500:
            problems.append(f"{page.url} answered {page.status}")
        # A form's result page repeats what the crawler typed; only that echo is allowed.
        text = page.text
        for typed in parse_qs(urlsplit(page.url).query).get("q", []):
            text = text.replace(typed, "")
        for what, secret in secrets.items():
            if secret.lower() in text.lower() or secret.lower() in page.url.lower():
                problems.append(f"{page.url} shows the {what}")
    return problems


def test_a_named_speaker_made_anonymous_is_gone_from_every_public_response_at_once(
    client, sensitive_site, django_user_model
):
    """Raising protection takes effect on the next request: nothing public is cached."""
    named = Participant.objects.get(name=NAMED_NAME)
    before = crawl(client, words=[NAMED_NAME])
    # The probe is real: the name and the speaker page were public until now.
    assert any(NAMED_NAME in page.text for page in before)
    assert any(page.url == "/speakers/qazi-matiullah-doorman/" for page in before)

    # Done by Data entry, in the admin form: raising protection needs no more.
    clerk = django_user_model.objects.create_user("clerk", password="pw-12345!", is_staff=True)
    clerk.groups.add(Group.objects.get(name="Data entry"))
    staff = Client()
    staff.force_login(clerk)
    response = staff.post(
        reverse("admin:debates_participant_change", args=[named.pk]),
        {
            "name": named.name,
            "slug": named.slug,
            "attribution": "anonymous",
            "role": named.role,
            "organisation": named.organisation,
            "province": "",
            "gender": "",
        },
    )
    assert response.status_code == 302

    after = crawl(client, words=[NAMED_NAME])
    assert client.get("/speakers/qazi-matiullah-doorman/").status_code == 404
    secrets = {
        **SECRETS,
        "speaker made anonymous's name": NAMED_NAME,
        "speaker made anonymous's organisation": named.organisation,
        "speaker made anonymous's slug": named.slug,
    }
    assert leaks(after, secrets) == []


def test_withheld_speakers_have_no_public_page(client, sensitive_site):
    for slug in [SECRETS["role speaker's slug"], SECRETS["anonymous speaker's slug"]]:
        assert client.get(f"/speakers/{slug}/").status_code == 404


def test_draft_debates_and_reports_have_no_public_page(client, sensitive_site):
    draft_debate, draft_report = SECRETS["draft debate's slug"], SECRETS["draft report's slug"]
    assert client.get(f"/debates/{draft_debate}/").status_code == 404
    assert client.get(f"/reports/{draft_report}/").status_code == 404


def test_searching_for_a_withheld_name_or_a_draft_finds_nothing(client, sensitive_site):
    for words in [SECRETS["role speaker's name"], SECRETS["draft debate's statement"]]:
        response = client.get("/search/", {"q": words})
        assert response.context["page_obj"].paginator.count == 0
        assert list(response.context["debates"]) == []


def test_a_withheld_statement_reaches_no_public_response_on_the_next_request(
    client, sensitive_site, make
):
    debate = sensitive_site[0]
    words, original = "Withdrawnstatement words zq", "Withdrawnoriginal dari zq"
    speaker = make.participant(name="Public Speakerof Withdrawn", attribution="named")
    statement = make.statement(
        debate,
        speaker=speaker,
        text=words,
        original_text=original,
        original_language="fa-AF",
        key="withdrawn-zq",
    )
    report = make.report(
        debates=[debate],
        quotes=[statement],
        headline="The report that quoted it",
        body=f'He said "{words}" in Kunduz.',
    )
    assert words in client.get(report.get_absolute_url()).text

    statement.withheld = True
    statement.save()
    pages = crawl(client, words=["Withdrawnstatement", "Withdrawnoriginal"])

    assert report.get_absolute_url() in {page.url for page in pages}
    problems = []
    for page in pages:
        text = page.text
        for typed in parse_qs(urlsplit(page.url).query).get("q", []):
            text = text.replace(typed, "")
        for secret in (words, original, "withdrawn-zq"):
            if secret.lower() in text.lower():
                problems.append(f"{page.url} shows {secret!r}")
    assert problems == []
