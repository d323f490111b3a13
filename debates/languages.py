"""Which language a piece of public text is in, and which text a reader gets.

The site is read in English, Dari (``fa``) and Pashto (``ps``). Content is entered in
English, with Dari and Pashto translations beside it (the record format's
``translations``); a statement also has the words as spoken (``original_text``). A page
in Dari shows the Dari text where there is one and the English otherwise, marked as
English; a statement shows the words as spoken when they were spoken in the page's
language, else a translation, else the English, and says which.
"""

from dataclasses import dataclass

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

ENGLISH = "en"
# The languages content is translated into, in the order the record format writes them.
TRANSLATION_LANGUAGES = ("fa", "ps")
# How a statement's translation was made.
HUMAN, MACHINE = "human", "machine"
TRANSLATION_METHODS = (HUMAN, MACHINE)

# Primary language subtags written right to left (Dari and Pashto above all).
RTL_LANGUAGES = {"ar", "fa", "prs", "ps", "pbt", "pbu", "ur", "he", "ug", "sd", "ckb"}

# Names of the languages statements are spoken in, for "translated from Dari".
LANGUAGE_NAMES = {
    "en": _("English"),
    "fa": _("Dari"),
    "prs": _("Dari"),
    "ps": _("Pashto"),
    "pbt": _("Pashto"),
    "pbu": _("Pashto"),
    "uz": _("Uzbek"),
    "tk": _("Turkmen"),
    "ar": _("Arabic"),
    "ur": _("Urdu"),
}


def primary(language):
    """The primary subtag of a language tag: ``fa-AF`` is ``fa`` (Dari)."""
    return (language or "").split("-")[0].lower()


def active():
    """The primary subtag of the language the page is in."""
    return primary(get_language() or ENGLISH)


def direction(language):
    return "rtl" if primary(language) in RTL_LANGUAGES else "ltr"


def language_name(language):
    code = primary(language)
    return LANGUAGE_NAMES.get(code, code)


def translation_problems(translations, fields, extra=()):
    """What is wrong with a ``translations`` value: unknown languages or keys, non-text.

    ``fields`` are the translatable text fields, ``extra`` other keys a translation may
    carry (a statement's ``method`` and ``reviewed``, checked by the statement).
    """
    if translations in (None, ""):
        return []
    if not isinstance(translations, dict):
        return [_("Translations must be an object keyed by language (fa, ps).")]
    problems = []
    for language, values in translations.items():
        if language not in TRANSLATION_LANGUAGES:
            problems.append(
                _("Unknown translation language “%(language)s”: use fa (Dari) or ps (Pashto).")
                % {"language": language}
            )
            continue
        if not isinstance(values, dict):
            problems.append(
                _("The %(language)s translation must be an object.") % {"language": language}
            )
            continue
        for key, value in values.items():
            if key not in fields and key not in extra:
                problems.append(
                    _("Unknown key “%(key)s” in the %(language)s translation.")
                    % {"key": key, "language": language}
                )
            elif key in fields and not isinstance(value, str):
                problems.append(
                    _("“%(key)s” in the %(language)s translation must be text.")
                    % {"key": key, "language": language}
                )
    return problems


@dataclass(frozen=True)
class LocalizedText:
    """A piece of content text and the language it is in."""

    text: str
    language: str

    def __str__(self):
        return self.text

    def __bool__(self):
        return bool(self.text)

    @property
    def direction(self):
        return direction(self.language)

    @property
    def differs_from_page(self):
        """Whether the text needs its own ``lang`` and ``dir`` on this page."""
        return primary(self.language) != active()


@dataclass(frozen=True)
class StatementText:
    """What a reader gets of a statement in one language, and how it came to be.

    ``source`` is ``original`` (the words as spoken), ``translation`` (a Dari or Pashto
    translation) or ``english`` (the record's text). ``translated_from`` names the
    language the shown text was translated from, or is empty for the words as spoken.
    """

    text: str
    language: str
    source: str
    translated_from: str = ""
    method: str = HUMAN
    reviewed: bool = True

    def __str__(self):
        return self.text

    @property
    def direction(self):
        return direction(self.language)

    @property
    def is_original(self):
        """Whether it is the words as spoken (so the original need not be shown beside it)."""
        return self.source == "original"

    @property
    def is_translation(self):
        return bool(self.translated_from)

    @property
    def translated_from_name(self):
        return language_name(self.translated_from)

    @property
    def is_machine_translation(self):
        return self.is_translation and self.method == MACHINE

    @property
    def is_unchecked(self):
        return self.is_translation and not self.reviewed

    @property
    def differs_from_page(self):
        return primary(self.language) != active()


class ShownFields:
    """The translated fields of an object in the page's language, for templates:
    ``{{ topic.shown.title }}`` is ``topic.localized("title")``, a LocalizedText that
    ``{% content_lang %}`` reads the language of."""

    __slots__ = ("_fields", "_object")

    def __init__(self, obj, fields):
        self._object, self._fields = obj, fields

    def __getitem__(self, field_name):
        if field_name not in self._fields:
            raise KeyError(field_name)
        return self._object.localized(field_name)

    def __getattr__(self, field_name):
        try:
            return self[field_name]
        except KeyError:
            raise AttributeError(field_name) from None


def language_of(value):
    """The language of a LocalizedText or StatementText, or ``value`` itself (a tag)."""
    return getattr(value, "language", value) or ENGLISH


def statement_text(statement, language=None):
    """The text of ``statement`` a reader in ``language`` (default: the page's) gets."""
    language = primary(language) if language else active()
    spoken_in = primary(statement.original_language)
    if statement.original_text and spoken_in == language:
        return StatementText(statement.original_text, statement.original_language, "original")
    translated_from = statement.original_language if statement.original_text else ENGLISH
    if language != ENGLISH:
        translation = (statement.translations or {}).get(language) or {}
        if translation.get("text"):
            return StatementText(
                translation["text"],
                language,
                "translation",
                translated_from=translated_from,
                method=translation.get("method") or HUMAN,
                reviewed=bool(translation.get("reviewed", False)),
            )
    # The record's English: itself a translation when the words were spoken in another
    # language, made by the staff who entered it.
    return StatementText(
        statement.text,
        ENGLISH,
        "english",
        translated_from=statement.original_language if statement.original_text else "",
    )


def canonical_translations(translations, fields, extra=()):
    """``translations`` as stored and exported: ``fa`` before ``ps``, keys in ``fields``
    order, no empty text and no default (a statement's ``method: human``, ``reviewed:
    false``), and no language left without text. Storing one form of each value lets an
    unchanged import compare equal, and the export round-trip byte for byte."""
    canonical = {}
    for language in TRANSLATION_LANGUAGES:
        values = (translations or {}).get(language) or {}
        kept = {key: values[key] for key in fields if values.get(key)}
        if not kept:
            continue
        if "method" in extra and values.get("method", HUMAN) != HUMAN:
            kept["method"] = values["method"]
        if "reviewed" in extra and values.get("reviewed") is True:
            kept["reviewed"] = True
        canonical[language] = kept
    return canonical
