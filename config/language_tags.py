"""Template tags for the languages of a page (``{% load languages %}``)."""

from dataclasses import dataclass

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.html import format_html
from django.utils.translation import get_language, get_language_info

register = template.Library()

# What the records are written in. Content is not translated yet: on a Dari or Pashto
# page, each block of it says it is English, so that it is read and laid out as such.
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
def content_lang(language=CONTENT_LANGUAGE):
    """` lang="en" dir="ltr"` for content in another language than the page's, else
    nothing: put it in the tag of each block of content."""
    if language == get_language():
        return ""
    return format_html(
        ' lang="{}" dir="{}"', language, "rtl" if get_language_info(language)["bidi"] else "ltr"
    )
