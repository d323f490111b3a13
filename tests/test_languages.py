"""English at /, Dari at /fa/, Pashto at /ps/: addresses, switcher, layout, fonts.

Dari and Pashto are offered because their catalogues are compiled in locale/ (README,
"Languages"); tests/test_catalogues.py checks the catalogues themselves.
"""

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import translation
from fontTools.ttLib import TTFont

from config.catalogues import with_catalogue
from tests.conftest import write_empty_catalogue
from tests.test_query_counts import PAGES, build_site

pytestmark = pytest.mark.django_db

HTML_PAGES = [url for url in PAGES if not url.startswith(("/feeds/", "/sitemap"))]
PREFIXES = {"en": "", "fa": "/fa", "ps": "/ps"}
FONT = Path(settings.BASE_DIR) / "static" / "fonts" / "vazirmatn-arabic.woff2"
STYLESHEET = Path(settings.BASE_DIR) / "static" / "css" / "site.css"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


class _Tags(HTMLParser):
    """The attributes of every start tag, in order."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.tags = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def first(self, tag):
        return next(attrs for name, attrs in self.tags if name == tag)

    def alternates(self):
        return {
            attrs["hreflang"]: attrs["href"]
            for name, attrs in self.tags
            if name == "link" and attrs.get("rel") == "alternate" and "hreflang" in attrs
        }

    def switcher(self):
        return {
            attrs["hreflang"]: attrs["href"]
            for name, attrs in self.tags
            if name == "a" and "hreflang" in attrs
        }


def tags(response):
    return _Tags(response.content.decode())


@pytest.fixture
def site(make):
    return build_site(make, 1)


@pytest.mark.parametrize("url", HTML_PAGES)
@pytest.mark.parametrize(("language", "direction"), [("en", "ltr"), ("fa", "rtl"), ("ps", "rtl")])
def test_every_public_page_is_served_in_each_language_with_its_lang_and_direction(
    client, site, every_language, url, language, direction
):
    response = client.get(PREFIXES[language] + url)

    assert response.status_code == 200
    assert tags(response).first("html") == {"lang": language, "dir": direction}


@pytest.mark.parametrize("url", HTML_PAGES)
def test_the_switcher_and_hreflang_lead_to_the_same_page_in_each_language(
    client, site, every_language, url
):
    for language, prefix in PREFIXES.items():
        page = tags(client.get(prefix + url))
        expected = {code: other + url for code, other in PREFIXES.items()}
        assert page.switcher() == expected, language
        assert page.alternates() == {
            **{code: f"http://testserver{path}" for code, path in expected.items()},
            "x-default": f"http://testserver{url}",
        }


def test_the_switcher_names_each_language_in_itself_and_marks_the_current_one(
    client, every_language
):
    text = client.get("/fa/").content.decode()
    assert '<a href="/ps/" hreflang="ps" lang="ps" dir="rtl">پښتو</a>' in text
    assert '<a href="/" hreflang="en" lang="en" dir="ltr">English</a>' in text
    assert 'lang="fa" dir="rtl" aria-current="page">دری</a>' in text


def test_a_dari_browser_gets_english_at_the_root_and_the_way_to_dari(client, every_language):
    response = client.get("/", headers={"Accept-Language": "fa-AF,fa;q=0.9"})

    assert response.status_code == 200
    page = tags(response)
    assert page.first("html") == {"lang": "en", "dir": "ltr"}
    assert page.switcher()["fa"] == "/fa/"


def test_dari_and_pashto_are_offered_because_their_catalogues_are_compiled(client, site):
    assert [code for code, _name in settings.LANGUAGES] == ["en", "fa", "ps"]
    assert client.get("/fa/").status_code == 200
    assert client.get("/ps/debates/").status_code == 200


def test_a_language_is_offered_once_its_compiled_catalogue_exists(tmp_path):
    write_empty_catalogue(tmp_path / "ps" / "LC_MESSAGES" / "django.mo")
    (tmp_path / "fa" / "LC_MESSAGES").mkdir(parents=True)
    (tmp_path / "fa" / "LC_MESSAGES" / "django.po").write_text("")  # not compiled

    offered = with_catalogue(settings.INTERFACE_LANGUAGES, [tmp_path], default="en")

    assert [code for code, _name in offered] == ["en", "ps"]


def test_content_in_english_is_marked_as_such_on_dari_and_pashto_pages(
    client, site, every_language
):
    url = site[0].get_absolute_url()
    for prefix in ("/fa", "/ps"):
        text = client.get(prefix + url).content.decode()
        assert f'<h1 lang="en" dir="ltr">{site[0].title}</h1>' in text
        assert '<blockquote class="statement__text" lang="en" dir="ltr">' in text
    english = client.get(url).content.decode()
    assert f"<h1>{site[0].title}</h1>" in english
    assert 'lang="en" dir="ltr"' not in english.split("<main", 1)[1]


def test_the_search_boxes_take_their_direction_from_what_is_typed(client, every_language):
    for url in ["/fa/search/?q=صلح", "/fa/debates/"]:
        page = tags(client.get(url))
        boxes = [attrs for name, attrs in page.tags if name == "input" and attrs["name"] == "q"]
        assert boxes and all(box.get("dir") == "auto" for box in boxes), url


@pytest.mark.parametrize(
    "path", ["/admin/", "/sitemap.xml", "/sitemap-debates.xml", "/robots.txt", "/healthz"]
)
def test_the_admin_sitemap_robots_and_health_check_have_one_address(client, every_language, path):
    assert client.get(path).status_code in {200, 302}
    assert client.get(f"/fa{path}").status_code == 404
    assert client.get(f"/ps{path}").status_code == 404


def test_the_admin_speaks_the_staff_members_language(client, every_language):
    def login_page(accept):
        response = client.get("/admin/login/", headers={"Accept-Language": accept})
        return tags(response).first("html")

    assert login_page("fa") == {"lang": "fa", "dir": "rtl"}
    assert login_page("en") == {"lang": "en", "dir": "ltr"}
    # Django's admin has no Pashto: locale-django/ps gives its words (test_admin_languages).
    assert login_page("ps") == {"lang": "ps", "dir": "rtl"}


def test_the_admin_follows_the_language_cookie(client, every_language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fa"
    response = client.get("/admin/login/", headers={"Accept-Language": "en"})
    assert tags(response).first("html")["dir"] == "rtl"


def test_the_sitemap_lists_each_page_in_each_language_with_its_alternates(
    client, site, every_language
):
    root = ET.fromstring(client.get("/sitemap-debates.xml").content)
    entries = {
        url.find(f"{SITEMAP}loc").text: {
            link.get("hreflang"): link.get("href") for link in url.iter(f"{XHTML}link")
        }
        for url in root.iter(f"{SITEMAP}url")
    }
    debate = site[0].get_absolute_url()
    for prefix in PREFIXES.values():
        assert entries[f"http://testserver{prefix}{debate}"] == {
            "en": f"http://testserver{debate}",
            "fa": f"http://testserver/fa{debate}",
            "ps": f"http://testserver/ps{debate}",
            "x-default": f"http://testserver{debate}",
        }


def test_robots_keep_out_of_search_results_in_every_language(client, every_language):
    text = client.get("/robots.txt").content.decode()
    for prefix in PREFIXES.values():
        assert f"Disallow: {prefix}/search/\n" in text


def test_feeds_are_served_in_each_language_and_link_to_its_pages(client, site, every_language):
    for prefix in PREFIXES.values():
        for feed, page in [
            ("/feeds/debates/", "/debates/debate-0/"),
            ("/feeds/reports/", "/reports/report-0/"),
        ]:
            response = client.get(prefix + feed)
            assert f'href="http://testserver{prefix}{page}"' in response.content.decode()


def test_django_knows_pashto_is_written_right_to_left():
    info = translation.get_language_info("ps")
    assert (info["name"], info["name_local"], info["bidi"]) == ("Pashto", "پښتو", True)
    assert translation.get_language_info("fa")["name_local"] == "دری"
    template = Template("{% load i18n %}{% get_current_language_bidi as rtl %}{{ rtl }}")
    with translation.override("ps"):
        assert template.render(Context()) == "True"


PASHTO_AND_DARI_LETTERS = "ټډړږښګڼېۍځڅپچژګکیئ"


def test_the_font_has_every_dari_and_pashto_letter():
    cmap = TTFont(FONT).getBestCmap()
    assert [letter for letter in PASHTO_AND_DARI_LETTERS if ord(letter) not in cmap] == []
    # The Arabic-script subset only: Latin text stays on the system font.
    assert ord("a") not in cmap
    assert (FONT.parent / "vazirmatn-LICENSE.txt").read_text().count("Open Font License") >= 1


def test_the_font_is_only_downloaded_for_arabic_script():
    css = STYLESHEET.read_text()
    face = re.search(r"@font-face\s*{([^}]*)}", css).group(1)
    assert 'url("../fonts/vazirmatn-arabic.woff2")' in face
    ranges = []
    for part in re.search(r"unicode-range:([^;]*);", face).group(1).split(","):
        start, _, end = part.strip().removeprefix("U+").partition("-")
        ranges.append((int(start, 16), int(end or start, 16)))

    def covered(char):
        return any(start <= ord(char) <= end for start, end in ranges)

    assert all(covered(letter) for letter in PASHTO_AND_DARI_LETTERS)
    english = "The quick brown fox: “quotes”, — dashes, 1–2, «guillemets» ‹›"
    assert not any(covered(char) for char in english)


class _InterfaceText(HTMLParser):
    """The visible text of a page that is the page's own, not content: text inside an
    element marked with another language (content in English), inside a speaker label
    (a translated pattern around names that may have no translation) or in the <title>
    (which names the content, and cannot mark a part of itself as English) is left out."""

    SKIPPED = {"script", "style", "cite", "title"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}

    def __init__(self, text, language):
        super().__init__(convert_charrefs=True)
        self.language = language
        self.stack = []
        self.text = []
        self.feed(text)

    def _skipped(self, tag, attrs):
        lang = attrs.get("lang")
        return tag in self.SKIPPED or (lang is not None and lang != self.language)

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            attrs = dict(attrs)
            # Placeholders and labels a reader sees or hears.
            for name in ("placeholder", "aria-label", "title", "alt"):
                if attrs.get(name) and not self._skipped(tag, attrs):
                    self.text.append(attrs[name])
            return
        attrs = dict(attrs)
        outer = self.stack[-1] if self.stack else False
        self.stack.append(outer or self._skipped(tag, attrs))
        if not self.stack[-1]:
            for name in ("placeholder", "aria-label", "title"):
                if attrs.get(name):
                    self.text.append(attrs[name])

    def handle_endtag(self, tag):
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not (self.stack and self.stack[-1]):
            self.text.append(data)


# Latin words a Dari or Pashto page may show as they are: codes and formats.
LATIN_ALLOWED = {"RSS", "JSON", "CSV", "XML", "API"}


@pytest.mark.parametrize("url", HTML_PAGES)
@pytest.mark.parametrize("language", ["fa", "ps"])
def test_no_dari_or_pashto_page_shows_english_interface_text(client, site, url, language):
    response = client.get(PREFIXES[language] + url)

    text = " ".join(_InterfaceText(response.content.decode(), language).text)
    english = set(re.findall(r"[A-Za-z]{2,}", text)) - LATIN_ALLOWED
    assert english == set()
