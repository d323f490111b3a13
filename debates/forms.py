from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

# Each word of a query becomes a condition (a LIKE on SQLite, a tsquery term on
# PostgreSQL), so both bounds keep one request from costing minutes of CPU.
QUERY_MAX_LENGTH = 200
QUERY_MAX_WORDS = 12


def validate_query_words(value):
    if len(value.split()) > QUERY_MAX_WORDS:
        raise ValidationError(
            ngettext(
                "Use at most %(limit)d word.",
                "Use at most %(limit)d words.",
                QUERY_MAX_WORDS,
            )
            % {"limit": QUERY_MAX_WORDS},
            code="too_many_words",
        )


# What every public text query field takes: django-filter passes these to its form field.
QUERY_FIELD_OPTIONS = {
    "max_length": QUERY_MAX_LENGTH,
    "validators": [validate_query_words],
    # Words typed in Dari or Pashto run right to left, in English left to right.
    "widget": forms.TextInput(attrs={"dir": "auto"}),
}


class QuickSelect(forms.Select):
    """A select of plain options, written in Python rather than a template per option:
    a filter of a thousand topics costs milliseconds, not half a second."""

    def render(self, name, value, attrs=None, renderer=None):
        selected = {str(chosen) for chosen in self.format_value(value)}
        options = []
        for option, label in self.choices:
            option = str(option)
            mark = " selected" if option in selected else ""
            if getattr(label, "differs_from_page", False):
                # A name in another language than the page's (English on a Dari page).
                mark += f' lang="{escape(label.language)}" dir="{label.direction}"'
            options.append(f'<option value="{escape(option)}"{mark}>{escape(str(label))}</option>')
        attrs = flatatt(self.build_attrs(self.attrs, attrs))
        return mark_safe(f'<select name="{escape(name)}"{attrs}>{"".join(options)}</select>')


class SearchForm(forms.Form):
    # A form rather than raw GET input: it refuses NUL characters (which PostgreSQL
    # cannot take) and overlong queries with a message instead of an error page.
    q = forms.CharField(
        label=_("Words in a statement (English or original) or a debate's title"),
        required=False,
        strip=True,
        **QUERY_FIELD_OPTIONS,
    )

    def terms(self):
        """The words to search for, or "" when there are none or they are unusable."""
        return self.cleaned_data["q"] if self.is_valid() else ""
