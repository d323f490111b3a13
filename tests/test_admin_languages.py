"""Staff in Dari and Pashto: the admin pages used to enter and publish debates show no
English words of Django's admin (issue 13, item 7).

Django ships Persian for its admin but no Pashto; locale-django/ holds the Pashto (and the
few Dari messages Django leaves empty). Each page's visible text is checked against every
message of Django's admin catalogue: none may show in English, whether Django or this
project writes it (tests/test_catalogues.py keeps the project's own catalogue complete).
"""

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import django
import polib
import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse

pytestmark = pytest.mark.django_db

DJANGO = Path(django.__file__).parent
ADMIN_CATALOGUE = DJANGO / "contrib" / "admin" / "locale" / "fa" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sdr]|%[sdr]|\{\w*\}")
HIDDEN = {"script", "style"}
# Attributes a sighted user or a screen reader gets as text.
SPOKEN = ("title", "placeholder", "aria-label", "alt")
PHYSICAL = re.compile(
    r"\b(?:margin|padding|border)-(?:left|right)\b|\b(?:text-align|float|clear)\s*:\s*(?:left|right)\b"
)


class VisibleText(HTMLParser):
    """The text pieces a page shows: text nodes, spoken attributes and button labels."""

    def __init__(self, html):
        super().__init__()
        self.pieces, self.stylesheets, self._hidden = [], [], 0
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in HIDDEN:
            self._hidden += 1
        if tag == "link" and attrs.get("rel") == "stylesheet":
            self.stylesheets.append(attrs["href"])
        if tag == "input" and attrs.get("type") in {"submit", "button", "reset"}:
            self.pieces.append(attrs.get("value") or "")
        self.pieces += [attrs[name] for name in SPOKEN if attrs.get(name)]

    def handle_endtag(self, tag):
        if tag in HIDDEN:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.pieces.append(data)


def pattern(message):
    """A regular expression for ``message`` as shown: its placeholders filled in by
    anything, whole words only; None when it has no English word of its own."""
    parts = PLACEHOLDER.split(message)
    literal = "".join(parts)
    if len(literal.strip()) <= 3 or not re.search(r"[A-Za-z]{2}", literal):
        return None
    body = ".+?".join(re.escape(part) for part in parts)
    start = r"\b" if re.match(r"\w", message) else ""
    end = r"\b" if re.search(r"\w$", message) else ""
    return re.compile(start + body + end)


def messages(path):
    found = set()
    for entry in polib.pofile(str(path)):
        found.add(entry.msgid)
        if entry.msgid_plural:
            found.add(entry.msgid_plural)
    return {message for message in found if message}


ADMIN_MESSAGES = {
    message: compiled for message in messages(ADMIN_CATALOGUE) if (compiled := pattern(message))
}


def english_on(html, language):
    found = set()
    for piece in VisibleText(html).pieces:
        text = " ".join(piece.split())
        found |= {message for message, compiled in ADMIN_MESSAGES.items() if compiled.search(text)}
    return found


@pytest.fixture
def record(make):
    debate = make.debate(status="draft")
    make.statement(debate)
    report = make.report(debates=[debate])
    return {"debate": debate, "report": report}


def staff_pages(record):
    debate, report = record["debate"], record["report"]
    return [
        reverse("admin:index"),
        reverse("admin:debates_debate_changelist"),
        reverse("admin:debates_debate_changelist") + "?q=nothing-matches&status__exact=draft",
        reverse("admin:debates_debate_add"),
        reverse("admin:debates_debate_change", args=[debate.pk]),
        reverse("admin:debates_debate_delete", args=[debate.pk]),
        reverse("admin:debates_debate_history", args=[debate.pk]),
        reverse("admin:debates_debate_import"),
        reverse("admin:debates_statement_changelist"),
        reverse("admin:debates_participant_changelist"),
        reverse("admin:debates_topic_changelist"),
        reverse("admin:debates_topic_add"),
        reverse("admin:reports_report_changelist"),
        reverse("admin:reports_report_change", args=[report.pk]),
        reverse("admin:password_change"),
    ]


def in_language(client, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return {"headers": {"Accept-Language": language}}


@pytest.mark.parametrize("language", ["fa", "ps"])
def test_the_login_page_has_no_english_words_of_djangos_admin(client, language):
    response = client.get(reverse("admin:login"), **in_language(client, language))

    assert response.status_code == 200
    assert f'lang="{language}" dir="rtl"' in response.text
    assert english_on(response.text, language) == set()


@pytest.mark.parametrize("language", ["fa", "ps"])
def test_the_pages_staff_use_to_enter_and_publish_debates_have_no_english_words_of_djangos_admin(
    staff_client, record, language
):
    headers = in_language(staff_client, language)
    english = {}
    for url in staff_pages(record):
        response = staff_client.get(url, **headers)
        assert response.status_code == 200, url
        assert f'lang="{language}" dir="rtl"' in response.text, url
        if found := english_on(response.text, language):
            english[url] = found

    assert english == {}


@pytest.mark.parametrize("language", ["fa", "ps"])
def test_form_errors_and_the_delete_and_logout_pages_are_in_the_staff_members_language(
    staff_client, record, language
):
    headers = in_language(staff_client, language)
    empty_topic = staff_client.post(reverse("admin:debates_topic_add"), {}, **headers)
    selected = staff_client.post(
        reverse("admin:debates_debate_changelist"),
        {"action": "delete_selected", "_selected_action": [record["debate"].pk]},
        **headers,
    )
    logged_out = staff_client.post(reverse("admin:logout"), **headers)

    assert "errornote" in empty_topic.text
    assert english_on(empty_topic.text, language) == set()
    assert english_on(selected.text, language) == set()
    assert english_on(logged_out.text, language) == set()


def test_a_pashto_page_would_be_caught_showing_django_admin_english():
    # The check itself: English of Django's admin in a page is found, the rest is not.
    page = "<h1>Select مناظره to change</h1><input type='submit' value='Save'><p>خوندي کړئ</p>"

    assert english_on(page, "ps") >= {"Select %s to change", "Save"}
    assert english_on("<p>خوندي کړئ</p><script>Save</script>", "ps") == set()


def test_the_projects_admin_stylesheets_use_logical_properties_so_they_mirror(staff_client, record):
    # The stylesheets the admin pages link that the project ships (not Django's own).
    sheets = set()
    for url in staff_pages(record):
        sheets |= set(VisibleText(staff_client.get(url).text).stylesheets)
    own = {
        found
        for href in sheets
        if (found := finders.find(href.removeprefix(settings.STATIC_URL).lstrip("/")))
        and Path(found).is_relative_to(Path(settings.BASE_DIR) / "static")
    }
    templates = Path(settings.BASE_DIR) / "templates" / "admin"

    assert own, "the admin links no stylesheet of the project's: check this test"
    physical = {
        str(path): PHYSICAL.findall(path.read_text())
        for path in [*map(Path, own), *templates.rglob("*.html")]
        if PHYSICAL.search(path.read_text())
    }
    assert physical == {}


@pytest.mark.parametrize("language", ["fa", "ps"])
def test_the_admins_scripts_get_every_message_in_the_staff_members_language(staff_client, language):
    # The calendar, the clock, the selection counter, "Show"/"Hide" of folded fieldsets.
    script = staff_client.get(reverse("admin:jsi18n"), **in_language(staff_client, language))
    catalog = json.loads(re.search(r"const newcatalog = (\{.*?\});\n", script.text, re.DOTALL)[1])
    wanted = {
        f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        for entry in polib.pofile(str(ADMIN_CATALOGUE.with_name("djangojs.po")))
    }

    assert {key for key in wanted if not catalog.get(key)} == set()
