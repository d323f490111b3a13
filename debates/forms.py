from django import forms
from django.utils.translation import gettext_lazy as _


class SearchForm(forms.Form):
    # A form rather than raw GET input: it refuses NUL characters (which PostgreSQL
    # cannot take) and overlong queries with a message instead of an error page.
    q = forms.CharField(
        label=_("Words in a statement (English or original) or a debate's title"),
        max_length=200,
        required=False,
        strip=True,
    )

    def terms(self):
        """The words to search for, or "" when there are none or they are unusable."""
        return self.cleaned_data["q"] if self.is_valid() else ""
