"""The sitemap: an index of paginated sections, each address with its real lastmod."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from debates import sitemaps
from debates.models import Debate
from tests.crawl import sitemap_paths

pytestmark = pytest.mark.django_db

NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
LONG_AGO = timezone.make_aware(datetime.datetime(2016, 1, 1))


def today():
    return timezone.localdate().isoformat()


def locations(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return [
        loc.text.removeprefix("http://testserver")
        for loc in ET.fromstring(response.content).iter(f"{NS}loc")
    ]


def in_every_language(debate):
    url = debate.get_absolute_url()
    return [url, f"/fa{url}", f"/ps{url}"]


def lastmods(client, url):
    """{path: the day of its lastmod, or None} of a sitemap file."""
    root = ET.fromstring(client.get(url).content)
    days = {}
    for entry in root:
        lastmod = entry.findtext(f"{NS}lastmod")
        path = entry.findtext(f"{NS}loc").removeprefix("http://testserver")
        days[path] = lastmod[:10] if lastmod else None
    return days


def debate_lastmod(client, debate):
    return lastmods(client, "/sitemap-debates.xml")[debate.get_absolute_url()]


def age(debate, when=LONG_AGO):
    """Make ``debate`` look last changed long ago."""
    Debate.objects.filter(pk=debate.pk).update(updated_at=when)


def test_the_sitemap_is_an_index_of_its_sections(client, make):
    make.debate()
    assert locations(client, "/sitemap.xml") == [
        "/sitemap-pages.xml",
        "/sitemap-debates.xml",
        "/sitemap-reports.xml",
        "/sitemap-topics.xml",
        "/sitemap-provinces.xml",
        "/sitemap-speakers.xml",
    ]


def test_a_long_section_is_split_into_pages_the_index_lists(client, make, monkeypatch):
    monkeypatch.setattr(sitemaps.DebateSitemap, "limit", 2)
    debates = [make.debate(held_on=datetime.date(2015, 1, day)) for day in (1, 2, 3)]

    index = locations(client, "/sitemap.xml")
    assert "/sitemap-debates.xml" in index
    assert "/sitemap-debates.xml?p=2" in index
    assert "/sitemap-debates.xml?p=3" not in index
    # Newest first, two debates to a page, each in every language.
    first = locations(client, "/sitemap-debates.xml")
    assert first == in_every_language(debates[2]) + in_every_language(debates[1])
    assert locations(client, "/sitemap-debates.xml?p=2") == in_every_language(debates[0])
    assert client.get("/sitemap-debates.xml?p=3").status_code == 404
    assert client.get("/sitemap-nothing.xml").status_code == 404


def test_the_sections_list_published_pages_and_named_speakers_only(client, make):
    debate = make.debate(slug="open-debate")
    make.debate(slug="hidden-debate", status="draft")
    named = make.participant(slug="named-speaker")
    moderator = make.participant(slug="named-moderator")
    make.debate(slug="moderated-debate", moderator=moderator)
    make.statement(debate, speaker=named)
    make.statement(debate, speaker=make.participant(slug="withheld-role", attribution="role"))
    make.statement(debate, speaker=make.participant(slug="withheld-anon", attribution="anonymous"))
    draft = make.debate(slug="hidden-draft", status="draft")
    make.statement(draft, speaker=make.participant(slug="hidden-only-in-draft"))
    make.report(debates=[debate], slug="open-report")
    make.report(slug="hidden-report", status="draft")

    paths = set(sitemap_paths(client))

    assert {
        "/",
        "/debates/open-debate/",
        "/reports/open-report/",
        "/speakers/named-speaker/",
        "/speakers/named-moderator/",
        "/provinces/kunduz/",
        debate.topic.get_absolute_url(),
    } <= paths
    assert not any("hidden" in path or "withheld" in path for path in paths)
    assert sorted(path for path in paths if path.startswith("/speakers/")) == [
        "/speakers/named-moderator/",
        "/speakers/named-speaker/",
    ]


def test_the_index_dates_each_section_by_its_newest_change(client, make):
    old, new = make.debate(), make.debate()
    age(old)
    age(new, LONG_AGO + datetime.timedelta(days=3))
    make.report(debates=[old])

    dates = lastmods(client, "/sitemap.xml")

    assert dates["/sitemap-debates.xml"] == "2016-01-04"
    assert dates["/sitemap-reports.xml"] == today()
    assert dates["/sitemap-speakers.xml"] is None


@pytest.fixture
def editor_client(client, django_user_model):
    editor = django_user_model.objects.create_user("ed", password="pw-12345!", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    admin = type(client)()
    admin.force_login(editor)
    return admin


def test_publishing_from_the_debate_list_dates_the_debate(client, make, editor_client):
    debate = make.debate(status="review")
    age(debate)
    editor_client.post(
        reverse("admin:debates_debate_changelist"),
        {"action": "publish", "_selected_action": [debate.pk]},
    )
    assert debate_lastmod(client, debate) == today()


def test_changing_withholding_or_deleting_a_statement_dates_its_debate(client, make, editor_client):
    debate = make.debate()
    first, second = make.statement(debate), make.statement(debate)
    changed_today = today()

    age(debate)
    editor_client.post(
        reverse("admin:debates_statement_change", args=[first.pk]),
        {"order": 0, "kind": "quote", "text": "Said otherwise.", "withheld": "on"},
    )
    first.refresh_from_db()
    assert first.withheld
    assert debate_lastmod(client, debate) == changed_today

    age(debate)
    editor_client.post(reverse("admin:debates_statement_delete", args=[second.pk]), {"post": "yes"})
    assert not debate.statements.filter(pk=second.pk).exists()
    assert debate_lastmod(client, debate) == changed_today


def test_making_a_speaker_anonymous_dates_the_debates_they_spoke_at(client, make):
    spoke, moderated, other = make.debate(), make.debate(), make.debate()
    speaker = make.participant()
    make.statement(spoke, speaker=speaker)
    moderated.moderator = speaker
    moderated.save()
    for debate in (spoke, moderated, other):
        age(debate)

    speaker.attribution = "anonymous"
    speaker.save()

    assert debate_lastmod(client, spoke) == today()
    assert debate_lastmod(client, moderated) == today()
    assert debate_lastmod(client, other) == "2016-01-01"


def test_an_import_that_changes_only_statements_dates_their_debate(client, make, tmp_path):
    debate = make.debate(slug="imported")
    make.statement(debate, text="First words.")
    untouched = make.debate(slug="untouched")
    make.statement(untouched, text="Other words.")
    exported = tmp_path / "export.json"
    call_command("export_debates", str(exported))
    age(debate)
    age(untouched)

    exported.write_text(exported.read_text().replace("First words.", "Second words."))
    call_command("import_debates", str(exported), verbosity=0)

    assert debate_lastmod(client, debate) == today()
    assert debate_lastmod(client, untouched) == "2016-01-01"
