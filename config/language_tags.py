"""Template tags for the languages of a page (``{% load languages %}``)."""

from dataclasses import dataclass

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.html import format_html
from django.utils.translation import get_language, get_language_info

from debates import languages

register = template.Library()

# What the records are written in: content with no translation into the page's language
# is English, and says so on a Dari or Pashto page, so that it is read and laid out as such.
CONTENT_LANGUAGE = "en"


@dataclass
class Version:
    code: str
    name: str
    dir: str
    path: str
    url: str
    current: bool


@register.simple_tag(takes_context=True)
def page_versions(context):
    """This page in each offered language, English first; none for a page with no
    address of its own (an error page)."""
    request = context.get("request")
    if request is None or request.resolver_match is None:
        return []
    current = get_language()
    versions = []
    for code, _name in settings.LANGUAGES:
        info = get_language_info(code)
        path = translate_url(request.get_full_path(), code)
        versions.append(
            Version(
                code=code,
                name=info["name_local"],
                dir="rtl" if info["bidi"] else "ltr",
                path=path,
                url=request.build_absolute_uri(path),
                current=code == current,
            )
        )
    return versions


@register.simple_tag
def content_lang(text=CONTENT_LANGUAGE):
    """` lang="en" dir="ltr"` for content in another language than the page's, else
    nothing: put it in the tag of each block of content.

    ``text`` is the shown text (a LocalizedText or StatementText: ``topic.shown.title``,
    ``statement.shown_text``) or a language tag; without it, the content is English.
    """
    language = languages.language_of(text)
    if languages.primary(language) == languages.active():
        return ""
    return format_html(' lang="{}" dir="{}"', language, languages.direction(language))


@register.simple_tag
def content_text(text):
    """``text`` (a LocalizedText) inline: in a ``<span lang dir>`` when it is in another
    language than the page's, bare when it is not."""
    mark = content_lang(text)
    if not mark:
        return str(text)
    return format_html("<span{}>{}</span>", mark, text)
