"""The admin edits ``translations`` as one box per language and text: "title (Dari)".

A model's form gets the boxes from ``translation_fields(Model)`` (declared on the form
class, so the admin's fieldsets can place them) and ``TranslationsFormMixin`` packs them
into ``translations`` in its stored form before the model validates them.
"""

from django import forms
from django.db import models
from django.utils.functional import lazy
from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from .languages import HUMAN, MACHINE, TRANSLATION_LANGUAGES, canonical_translations

LANGUAGE_LABELS = {"fa": _("Dari"), "ps": _("Pashto")}


# The form fields are made once, at import: their labels are worked out in the staff
# member's language each time a form is shown.
def _label_now(message, **values):
    return gettext(message) % {name: str(value) for name, value in values.items()}


_label = lazy(_label_now, str)


def field_name(key, language):
    return f"{key}_{language}"


def translation_field_names(model, language, exclude=()):
    return [
        field_name(key, language)
        for key in (*model.TRANSLATED, *model.TRANSLATION_EXTRA)
        if key not in exclude
    ]


def translation_fields(model):
    """The form fields for ``model``'s translations, by name."""
    fields = {}
    for language in TRANSLATION_LANGUAGES:
        in_language = LANGUAGE_LABELS[language]
        for key in model.TRANSLATED:
            model_field = model._meta.get_field(key)
            attrs = {"dir": "rtl", "lang": language}
            if isinstance(model_field, models.TextField):
                widget = forms.Textarea(attrs={**attrs, "rows": 3, "cols": 60})
            else:
                widget = forms.TextInput(attrs={**attrs, "class": "vTextField"})
            fields[field_name(key, language)] = forms.CharField(
                label=_label(
                    gettext_noop("%(field)s (%(language)s)"),
                    field=capfirst(model_field.verbose_name),
                    language=in_language,
                ),
                required=False,
                max_length=model_field.max_length,
                widget=widget,
            )
        if "method" in model.TRANSLATION_EXTRA:
            fields[field_name("method", language)] = forms.ChoiceField(
                label=_label(gettext_noop("%(language)s translation made"), language=in_language),
                choices=[(HUMAN, _("by a person")), (MACHINE, _("by machine"))],
                initial=HUMAN,
                required=False,
            )
        if "reviewed" in model.TRANSLATION_EXTRA:
            fields[field_name("reviewed", language)] = forms.BooleanField(
                label=_label(
                    gettext_noop("%(language)s translation checked by a second person"),
                    language=in_language,
                ),
                required=False,
            )
    return fields


def translation_fieldsets(model, exclude=()):
    """One collapsed fieldset per language, for a ModelAdmin's ``fieldsets``."""
    return [
        (
            _("In %(language)s") % {"language": LANGUAGE_LABELS[language]},
            {
                "fields": translation_field_names(model, language, exclude),
                "classes": ["collapse"],
            },
        )
        for language in TRANSLATION_LANGUAGES
    ]


class TranslationsFormMixin:
    """Reads and writes ``instance.translations`` through the per-language boxes.

    ``kept_keys`` are translation keys this form must not show (a withheld participant's
    name, to staff who may not see it): their stored values are kept as they are.
    """

    kept_keys = frozenset()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        model = self._meta.model
        for language in TRANSLATION_LANGUAGES:
            stored = (self.instance.translations or {}).get(language) or {}
            for key in (*model.TRANSLATED, *model.TRANSLATION_EXTRA):
                name = field_name(key, language)
                if key in self.kept_keys:
                    self.fields.pop(name, None)
                elif name in self.fields and key in stored:
                    self.initial.setdefault(name, stored[key])

    def clean(self):
        cleaned = super().clean()
        self.instance.translations = self.translations_from(cleaned)
        return cleaned

    def translations_from(self, cleaned):
        model = self._meta.model
        stored = self.instance.translations or {}
        translations = {}
        for language in TRANSLATION_LANGUAGES:
            values = {}
            for key in (*model.TRANSLATED, *model.TRANSLATION_EXTRA):
                if key in self.kept_keys:
                    values[key] = (stored.get(language) or {}).get(key)
                else:
                    values[key] = cleaned.get(field_name(key, language))
            translations[language] = values
        return canonical_translations(translations, model.TRANSLATED, model.TRANSLATION_EXTRA)


def translated_form(model, base=forms.ModelForm):
    """``base`` with ``model``'s translation boxes declared on it."""
    return type(
        f"{model.__name__}TranslationsForm",
        (TranslationsFormMixin, base),
        {"__module__": base.__module__, **translation_fields(model)},
    )
