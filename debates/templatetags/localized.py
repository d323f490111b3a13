"""``|digits``: a visible number in the page's digits (Eastern Arabic-Indic in Dari and
Pashto). Only for text a reader sees: never in a URL, an attribute or a code."""

from django import template

from debates.localize import LocalNumber, local_digits

register = template.Library()


@register.filter
def digits(value):
    """A whole number stays a number (for ``blocktranslate count``); anything else becomes text."""
    if isinstance(value, int) and not isinstance(value, bool):
        return LocalNumber(value, None)
    if value is None or value == "":
        return value
    return local_digits(value)
