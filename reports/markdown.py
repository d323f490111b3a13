"""Report bodies: Markdown in, sanitised HTML out.

Bodies are written by staff but may be pasted from anywhere, and the format says raw
HTML in them is not trusted. Python-Markdown renders; nh3 (the maintained binding of the
Rust sanitiser ammonia) then keeps only the tags, attributes and URL schemes below, so
scripts, event handlers and ``javascript:`` links never reach a page.
"""

import html

import markdown as markdown_lib
import nh3
from django.utils.safestring import mark_safe

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "strong", "em", "b", "i", "blockquote", "q", "cite",
    "ul", "ol", "li", "a", "code", "pre", "sup", "sub",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def render_markdown(text):
    """Return the sanitised HTML of a Markdown text, safe to put in a page."""
    html = markdown_lib.markdown(text or "", output_format="html")
    return mark_safe(
        nh3.clean(
            html,
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            url_schemes=ALLOWED_URL_SCHEMES,
            link_rel="nofollow noopener noreferrer",
        )
    )


def plain_text(text, limit=None):
    """The body as plain text (for descriptions and feeds), optionally cut at ``limit``.

    Plain means unescaped: templates and feed writers escape it once, where it is output.
    """
    stripped = html.unescape(nh3.clean(markdown_lib.markdown(text or ""), tags=set()))
    stripped = " ".join(stripped.split())
    if limit and len(stripped) > limit:
        stripped = stripped[: limit - 1].rsplit(" ", 1)[0] + "…"
    return stripped
