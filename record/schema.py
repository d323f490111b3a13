"""The debate record format, version 1, declared once for the importer and the exporter.

Each object kind lists its keys in the order the exporter writes them, which are
required, what type each holds and which model field's rules (length, language tag,
choices) it follows. ``check()`` applies the structural rules and collects every problem;
what needs the database (references, provinces, upserts) is the importer's job.
"""

import datetime
import decimal
import json
import re
from dataclasses import dataclass
from functools import cached_property

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, ProhibitNullCharactersValidator
from django.utils.translation import gettext as _

from debates.languages import TRANSLATION_LANGUAGES, canonical_translations
from debates.models import (
    SLUG_PATTERN,
    Attribution,
    Consent,
    ConsentHow,
    DatePrecision,
    Debate,
    Gender,
    Kind,
    Participant,
    Position,
    Programme,
    Stance,
    Statement,
    Status,
    Topic,
    TranslationMethod,
    slug_validator,
)
from reports.models import Report

FORMAT = "debate-record/1"

# What a key holds.
TEXT = "text"
SLUG = "slug"  # a slug (this object's own, or one naming another object)
CODE = "code"  # a province code
DATE = "date"
COUNT = "count"  # a whole number, zero or more
CHOICE = "choice"
BOOL = "bool"  # true or false
OBJECT = "object"
LIST = "list"  # of objects (``schema``) or of slugs (``schema`` is None)
TRANSLATIONS = "translations"  # {"fa": {...}, "ps": {...}}, each object of ``schema``

# The model columns each kind of record is stored in (besides id and slug), read and
# written by the importer and read by the exporter.
PROGRAMME_FIELDS = ["name", "description", "started_on", "ended_on", "translations"]
TOPIC_FIELDS = ["title", "question", "description", "translations"]
POSITION_FIELDS = ["topic_id", "label", "stance", "order", "translations"]
PARTICIPANT_FIELDS = [
    "name",
    "role",
    "organisation",
    "province_id",
    "gender",
    "attribution",
    "translations",
]
DEBATE_FIELDS = [
    "title",
    "province_id",
    "held_on",
    "held_on_precision",
    "programme_id",
    "topic_id",
    "district",
    "venue",
    "moderator_id",
    "attendance_total",
    "attendance_women",
    "summary",
    "status",
    "translations",
]
STATEMENT_FIELDS = [
    "debate_id",
    "order",
    "speaker_id",
    "position_id",
    "kind",
    "text",
    "original_text",
    "original_language",
    "key",
    "withheld",
    "translations",
]
REPORT_FIELDS = [
    "headline",
    "standfirst",
    "body",
    "byline",
    "programme_id",
    "published_on",
    "status",
    "translations",
]


_SLUG = re.compile(SLUG_PATTERN)
_DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Key:
    name: str
    kind: str = TEXT
    required: bool = False
    # What an absent key means; the exporter leaves out a value equal to it.
    default: object = None
    # False: the exporter always writes the key, even with its default value.
    omit_default: bool = True
    choices: type | None = None
    schema: "Schema | None" = None
    # The model column the value is stored in; the value must pass its validators
    # (length, language tag). References and nested objects are mapped by the importer.
    field: str | None = None

    @cached_property
    def choice_values(self):
        return frozenset(self.choices.values)


@dataclass(frozen=True)
class Schema:
    kind: str
    model: type | None
    keys: tuple[Key, ...]

    @cached_property
    def by_name(self):
        return {key.name: key for key in self.keys}

    @cached_property
    def names(self):
        return frozenset(self.by_name)

    @cached_property
    def plain(self):
        """Whether every key holds a single text, slug, choice or true/false (statements)."""
        return all(key.kind in (TEXT, SLUG, CHOICE, BOOL) for key in self.keys)

    @cached_property
    def validators(self):
        """Each stored key's model field validators: (its length limit, the others).

        The length is compared directly, the validator run only for its message: most
        values are statements' text, checked a million times in a large import.
        """
        validators = {}
        for key in self.keys:
            if key.field is None:
                continue
            limit, others = None, []
            for validator in self.model._meta.get_field(key.field).validators:
                if isinstance(validator, MaxLengthValidator):
                    limit = validator
                elif not isinstance(validator, ProhibitNullCharactersValidator):
                    # NUL is the checker's own error, in every text.
                    others.append(validator)
            validators[key.name] = (limit, others)
        return validators


# Debates and reports are published the same way.
STATUS = Key(
    "status", CHOICE, default=Status.DRAFT, omit_default=False, choices=Status, field="status"
)


def translations_key(model, *extra):
    """The ``translations`` key of ``model``'s records: per language, its TRANSLATED
    texts (the model fields' rules apply) and ``extra`` keys."""
    texts = tuple(Key(name, field=name) for name in model.TRANSLATED)
    return Key(
        "translations",
        TRANSLATIONS,
        default={},
        schema=Schema(f"{model._meta.model_name} translation", model, texts + extra),
        field="translations",
    )


POSITION = Schema(
    "position",
    Position,
    (
        Key("slug", SLUG, required=True),
        Key("label", required=True, field="label"),
        Key("stance", CHOICE, required=True, choices=Stance, field="stance"),
        translations_key(Position),
    ),
)

PROGRAMME = Schema(
    "programme",
    Programme,
    (
        Key("slug", SLUG, required=True),
        Key("name", required=True, field="name"),
        Key("description", default="", field="description"),
        Key("started_on", DATE, field="started_on"),
        Key("ended_on", DATE, field="ended_on"),
        translations_key(Programme),
    ),
)

TOPIC = Schema(
    "topic",
    Topic,
    (
        Key("slug", SLUG, required=True),
        Key("title", required=True, field="title"),
        Key("question", default="", field="question"),
        Key("description", default="", field="description"),
        Key("positions", LIST, default=(), schema=POSITION),
        translations_key(Topic),
    ),
)

# A speaker's agreement to be named: staff-only, like the names it concerns.
CONSENT = Schema(
    "consent",
    Consent,
    (
        Key("given_on", DATE, required=True, field="given_on"),
        Key("how", CHOICE, required=True, choices=ConsentHow, field="how"),
        Key("note", default="", field="note"),
    ),
)
CONSENT_FIELDS = ["given_on", "how", "note"]

PARTICIPANT = Schema(
    "participant",
    Participant,
    (
        Key("slug", SLUG, required=True),
        Key("name", required=True, field="name"),
        Key("role", default="", field="role"),
        Key("organisation", default="", field="organisation"),
        Key("province", CODE),
        Key("gender", CHOICE, default="", choices=Gender, field="gender"),
        Key(
            "attribution",
            CHOICE,
            required=True,
            choices=Attribution,
            omit_default=False,
            field="attribution",
        ),
        translations_key(Participant),
        Key("consent", OBJECT, schema=CONSENT),
    ),
)

ATTENDANCE = Schema(
    "attendance",
    Debate,
    (
        Key("total", COUNT, field="attendance_total"),
        Key("women", COUNT, field="attendance_women"),
    ),
)

STATEMENT = Schema(
    "statement",
    Statement,
    (
        Key("key", SLUG, field="key"),
        Key("speaker", SLUG),
        Key("position", SLUG),
        Key("kind", CHOICE, required=True, choices=Kind, field="kind"),
        Key("text", required=True, field="text"),
        Key("original_text", default="", field="original_text"),
        Key("original_language", default="", field="original_language"),
        # Withdrawn from the public; staff keep it. Written only when true.
        Key("withheld", BOOL, default=False, field="withheld"),
        translations_key(
            Statement,
            Key("method", CHOICE, default=TranslationMethod.HUMAN, choices=TranslationMethod),
            Key("reviewed", BOOL, default=False),
        ),
    ),
)

DEBATE = Schema(
    "debate",
    Debate,
    (
        Key("slug", SLUG, required=True),
        Key("title", required=True, field="title"),
        Key("province", CODE, required=True),
        Key("held_on", DATE, required=True, field="held_on"),
        Key(
            "held_on_precision",
            CHOICE,
            default=DatePrecision.DAY,
            choices=DatePrecision,
            field="held_on_precision",
        ),
        Key("programme", SLUG),
        Key("topic", SLUG),
        Key("district", default="", field="district"),
        Key("venue", default="", field="venue"),
        Key("moderator", SLUG),
        Key("attendance", OBJECT, schema=ATTENDANCE),
        Key("summary", default="", field="summary"),
        STATUS,
        Key("statements", LIST, default=(), schema=STATEMENT),
        translations_key(Debate),
    ),
)

REPORT = Schema(
    "report",
    Report,
    (
        Key("slug", SLUG, required=True),
        Key("headline", required=True, field="headline"),
        Key("standfirst", default="", field="standfirst"),
        Key("body", required=True, field="body"),
        Key("byline", default="", field="byline"),
        Key("programme", SLUG),
        Key("published_on", DATE, field="published_on"),
        STATUS,
        Key("debates", LIST, default=()),
        Key("quotes", LIST, default=()),
        translations_key(Report),
    ),
)

# The top level: ``format``, then the lists in the order they are written.
LISTS = (
    ("programmes", PROGRAMME),
    ("topics", TOPIC),
    ("participants", PARTICIPANT),
    ("debates", DEBATE),
    ("reports", REPORT),
)
TOP_KEYS = ("format", *(name for name, _schema in LISTS))


def type_name(value):
    if value is None:
        return _("null")
    if isinstance(value, bool):
        return _("true/false")
    if isinstance(value, int | float | decimal.Decimal):
        return _("a number")
    if isinstance(value, str):
        return _("text")
    if isinstance(value, list):
        return _("a list")
    return _("an object")


def type_name_of_event(event, value):
    """``type_name`` of a value the streaming parser announces with ``event``."""
    return type_name(
        {"start_array": [], "start_map": {}, "null": None, "boolean": True}.get(event, value)
    )


# Text quoted in an error message is cut short and shows control characters escaped.
SHOWN_LENGTH = 60


def printable(text):
    if len(text) > SHOWN_LENGTH:
        text = text[:SHOWN_LENGTH] + "…"
    if text.isprintable():
        return text
    return json.dumps(text, ensure_ascii=False)[1:-1]


def show(value):
    """A value from the file as an error message quotes it."""
    if isinstance(value, str):
        return f"'{printable(value)}'"
    if isinstance(value, decimal.Decimal):
        return printable(str(value))
    return printable(json.dumps(value))


def show_key(name):
    """An object key from the file, as part of a place such as ``debates[0].x``."""
    return printable(name)


def _first_message(error):
    return error.messages[0]


class Checker:
    """Structural checks: keys, types, slugs, dates, choices, lengths.

    ``check_object()`` returns the object's values as Python values (dates as dates,
    absent keys as their defaults) and appends ``path: message`` to ``errors`` for each
    problem; a value with a problem is left out, so later checks can skip it.
    """

    def __init__(self, errors):
        self.errors = errors

    def error(self, path, message):
        self.errors.append(f"{path}: {message}")

    def check_object(self, data, schema, path):
        if schema.plain:
            values = plain_values(data, schema)
            if values is not None:
                return values
        if not isinstance(data, dict):
            self.error(path, _("expected an object, got %(type)s") % {"type": type_name(data)})
            return None
        known = schema.by_name
        for name in data:
            if name not in known:
                self.error(f"{path}.{show_key(name)}", _("unknown key"))
        values = {}
        for key in schema.keys:
            where = f"{path}.{key.name}"
            raw = data.get(key.name)
            if raw is None:
                # Absent and null both mean "not given".
                if key.required:
                    self.error(where, _("required"))
                else:
                    values[key.name] = list(key.default) if key.kind == LIST else key.default
                continue
            value = self.check_value(raw, key, schema, where)
            if value is not _INVALID:
                values[key.name] = value
        return values

    def check_value(self, raw, key, schema, where):
        if key.kind == TRANSLATIONS:
            return self._check_translations(raw, key, where)
        if key.kind == OBJECT:
            return self.check_object(raw, key.schema, where) or _INVALID
        if key.kind == LIST:
            if not isinstance(raw, list):
                self.error(where, _("expected a list, got %(type)s") % {"type": type_name(raw)})
                return _INVALID
            if key.schema is not None:
                checked = []
                for index, item in enumerate(raw):
                    # The place is written only for an item with a problem: most have none.
                    values = plain_values(item, key.schema) if key.schema.plain else None
                    if values is None:
                        values = self.check_object(item, key.schema, f"{where}[{index}]")
                    checked.append(values)
                return checked
            slugs = []
            for index, item in enumerate(raw):
                slug = self._check_slug(item, f"{where}[{index}]")
                slugs.append(None if slug is _INVALID else slug)
            return slugs
        if key.kind == BOOL:
            if not isinstance(raw, bool):
                self.error(
                    where, _("expected true or false, got %(type)s") % {"type": type_name(raw)}
                )
                return _INVALID
            return raw
        if key.kind == COUNT:
            if isinstance(raw, bool) or not isinstance(raw, int):
                self.error(
                    where, _("expected a whole number, got %(type)s") % {"type": type_name(raw)}
                )
                return _INVALID
            if raw < 0:
                self.error(where, _("must not be negative, got %(value)d") % {"value": raw})
                return _INVALID
            return self._validate(raw, key, schema, where)
        if not isinstance(raw, str):
            self.error(where, _("expected text, got %(type)s") % {"type": type_name(raw)})
            return _INVALID
        if "\x00" in raw:
            # PostgreSQL cannot store it; SQLite could, and its export would not load.
            self.error(where, _("must not contain a NUL character (\\u0000)"))
            return _INVALID
        if key.kind == SLUG:
            return self._check_slug(raw, where)
        if key.kind == DATE:
            return self._check_date(raw, where)
        if key.kind == CHOICE:
            if raw not in key.choice_values:
                allowed = ", ".join(f"'{choice}'" for choice in key.choices.values)
                self.error(
                    where,
                    _("must be one of %(allowed)s, got %(value)s")
                    % {"allowed": allowed, "value": show(raw)},
                )
                return _INVALID
            return raw
        if key.required and not raw.strip():
            self.error(where, _("must not be empty"))
            return _INVALID
        return self._validate(raw, key, schema, where) if raw else raw

    def _check_translations(self, raw, key, where):
        """``raw`` as stored (``canonical_translations``), or _INVALID."""
        if not isinstance(raw, dict):
            self.error(where, _("expected an object, got %(type)s") % {"type": type_name(raw)})
            return _INVALID
        checked, valid = {}, True
        for language, values in raw.items():
            if language not in TRANSLATION_LANGUAGES:
                self.error(
                    f"{where}.{show_key(language)}",
                    _("unknown language: use fa (Dari) or ps (Pashto)"),
                )
                valid = False
                continue
            errors_before = len(self.errors)
            checked[language] = self.check_object(values, key.schema, f"{where}.{language}")
            valid = valid and len(self.errors) == errors_before
        if not valid:
            return _INVALID
        model = key.schema.model
        return canonical_translations(checked, model.TRANSLATED, model.TRANSLATION_EXTRA)

    def _validate(self, raw, key, schema, where):
        """``raw``, if it passes the model field's validators (length, range, language)."""
        if key.field is None:
            return raw
        limit, others = schema.validators[key.name]
        try:
            if limit is not None and len(raw) > limit.limit_value:
                limit(raw)
            for validator in others:
                validator(raw)
        except ValidationError as error:
            self.error(where, _first_message(error))
            return _INVALID
        return raw

    def _check_slug(self, raw, where):
        if not isinstance(raw, str):
            self.error(where, _("expected text, got %(type)s") % {"type": type_name(raw)})
            return _INVALID
        if _SLUG.search(raw):
            # The validator's own test, without its lazily compiled pattern: a large
            # file has a slug or three in each of a million statements.
            return raw
        try:
            slug_validator(raw)
        except ValidationError as error:
            self.error(
                where,
                _("%(rule)s Got %(value)s.") % {"rule": _first_message(error), "value": show(raw)},
            )
            return _INVALID
        return raw

    def _check_date(self, raw, where):
        try:
            if not _DATE_PATTERN.match(raw):
                raise ValueError
            return datetime.date.fromisoformat(raw)
        except ValueError:
            self.error(
                where, _("expected a date as YYYY-MM-DD, got %(value)s") % {"value": show(raw)}
            )
            return _INVALID


_INVALID = object()


def plain_values(data, schema):
    """The values of ``data``, an object of a ``plain`` schema, if it has no problem at all.

    None if it has any: ``Checker.check_object`` then finds and places each. The same
    rules, without building places for errors there are not: a large file's statements
    go through here a million times.
    """
    if type(data) is not dict or not schema.names.issuperset(data):
        return None
    values = {}
    for key in schema.keys:
        name = key.name
        raw = data.get(name)
        if raw is None:
            if key.required:
                return None
            values[name] = key.default
            continue
        kind = key.kind
        if kind == BOOL:
            if raw is not True and raw is not False:
                return None
        elif type(raw) is not str or "\x00" in raw:
            return None
        elif kind == SLUG:
            if not _SLUG.search(raw):
                return None
        elif kind == CHOICE:
            if raw not in key.choice_values:
                return None
        elif raw:
            if key.required and not raw.strip():
                return None
            if key.field is not None:
                limit, others = schema.validators[name]
                if limit is not None and len(raw) > limit.limit_value:
                    return None
                try:
                    for validator in others:
                        validator(raw)
                except ValidationError:
                    return None
        elif key.required:
            return None
        values[name] = raw
    return values


def to_record(schema, values):
    """The JSON object for ``values`` (Python values by key name), keys in schema order.

    A key whose value equals its default, or is empty, is left out, so that every
    exporter run writes the same object the same way.
    """
    record = {}
    for key in schema.keys:
        if key.name not in values:
            continue
        value = values[key.name]
        if value is None or (key.omit_default and value == key.default):
            continue
        if key.kind in (LIST, OBJECT, TEXT, TRANSLATIONS) and not value and not key.required:
            continue
        if key.kind == TRANSLATIONS:
            value = {
                language: to_record(key.schema, value[language])
                for language in TRANSLATION_LANGUAGES
                if language in value
            }
        if isinstance(value, datetime.date):
            value = value.isoformat()
        record[key.name] = value
    return record
