"""The interface catalogues in locale/: made from the code, compiled, and sound.

`make messages` writes them (README, "Languages"); these tests read the .po files with
polib, as a reviewer or a translation tool would.
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import django
import polib
import pytest
from django.conf import settings

BASE = Path(settings.BASE_DIR)
LANGUAGES = ("fa", "ps")
# What the project's `make messages` reads: its code and templates.
SOURCES = ("accounts", "backup", "config", "debates", "record", "reports", "templates")
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdr]|%[sdr]|\{(\w*)\}")


def catalogue(language, suffix="po"):
    return BASE / "locale" / language / "LC_MESSAGES" / f"django.{suffix}"


def translations(entries):
    """{(context, message): translation} of the translated, not fuzzy entries."""
    found = {}
    for entry in entries:
        if not entry.msgid or "fuzzy" in entry.flags or entry.obsolete:
            continue
        if entry.msgid_plural:
            forms = tuple(entry.msgstr_plural[index] for index in sorted(entry.msgstr_plural))
            if all(forms):
                found[entry.msgctxt, entry.msgid] = forms
        elif entry.msgstr:
            found[entry.msgctxt, entry.msgid] = entry.msgstr
    return found


def placeholders(text):
    return sorted(name or brace or "%" for name, brace in PLACEHOLDER.findall(text))


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_of_the_catalogue_is_translated_and_none_is_fuzzy(language):
    po = polib.pofile(str(catalogue(language)))

    assert [entry.msgid for entry in po.untranslated_entries()] == []
    assert [entry.msgid for entry in po.fuzzy_entries()] == []
    assert [entry.msgid for entry in po.obsolete_entries()] == []
    assert po.metadata["Language"] == language


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalogue_holds_exactly_the_translations_of_its_po_file(language):
    po = polib.pofile(str(catalogue(language)))
    mo = polib.mofile(str(catalogue(language, "mo")))

    assert translations(mo) == translations(po), "run `make messages` to compile it"


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_translation_keeps_every_placeholder_of_its_message(language):
    broken = []
    for entry in polib.pofile(str(catalogue(language))):
        wanted = placeholders(entry.msgid)
        if entry.msgid_plural:
            texts = [text for text in entry.msgstr_plural.values() if text]
            # A plural form may leave out the number ("one debate"); never add a name.
            broken += [
                (entry.msgid, text)
                for text in texts
                if not set(placeholders(text)) <= set(placeholders(entry.msgid_plural))
            ]
        elif entry.msgstr and placeholders(entry.msgstr) != wanted:
            broken.append((entry.msgid, entry.msgstr))
    assert broken == []


@pytest.mark.skipif(
    not (shutil.which("xgettext") and shutil.which("make")),
    reason="GNU gettext is not installed (apt: gettext); .ci/run installs it",
)
def test_every_string_marked_in_the_code_is_in_the_catalogues(tmp_path):
    copy = tmp_path / "project"
    copy.mkdir()
    for name in (*SOURCES, "locale"):
        shutil.copytree(BASE / name, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("manage.py", "Makefile", "pyproject.toml"):
        shutil.copy2(BASE / name, copy / name)
    venv = Path(sys.executable).parent.parent

    subprocess.run(
        ["make", "-s", "-C", str(copy), "messages", f"VENV={venv}"],
        check=True,
        capture_output=True,
    )

    for language in LANGUAGES:
        made = polib.pofile(str(copy / "locale" / language / "LC_MESSAGES" / "django.po"))
        shipped = polib.pofile(str(catalogue(language)))
        missing = {entry.msgid for entry in made} - {entry.msgid for entry in shipped}
        stale = {entry.msgid for entry in shipped} - {entry.msgid for entry in made}
        assert (missing, stale) == (set(), set()), "run `make messages` and translate"


# locale-django/: Django's admin, auth and form strings in Pashto (and the few Dari ones
# Django leaves empty), written by hand from Django's own catalogues; `make messages`
# compiles them and never rewrites them.
DJANGO_STRINGS = BASE / "locale-django"
DJANGO_CATALOGUES = {
    "django": [
        Path(django.__file__).parent / part / "locale" / "fa" / "LC_MESSAGES" / "django.po"
        for part in ("contrib/admin", "contrib/auth", "conf")
    ],
    # The admin's calendar, clock, selection counter and "Show"/"Hide".
    "djangojs": [Path(django.__file__).parent / "contrib/admin/locale/fa/LC_MESSAGES/djangojs.po"],
}
# (language, domain) of each catalogue in locale-django/.
DJANGO_STRING_CATALOGUES = [("fa", "django"), ("ps", "django"), ("ps", "djangojs")]


def django_strings(language, suffix="po", domain="django"):
    return DJANGO_STRINGS / language / "LC_MESSAGES" / f"{domain}.{suffix}"


@pytest.mark.parametrize(("language", "domain"), DJANGO_STRING_CATALOGUES)
def test_every_django_string_in_locale_django_is_translated_and_not_fuzzy(language, domain):
    po = polib.pofile(str(django_strings(language, domain=domain)))

    assert len(po) > 0
    assert [entry.msgid for entry in po if not entry.translated()] == []
    assert [entry.msgid for entry in po if "fuzzy" in entry.flags or entry.obsolete] == []


@pytest.mark.parametrize(("language", "domain"), DJANGO_STRING_CATALOGUES)
def test_locale_django_keeps_every_placeholder_and_is_compiled(language, domain):
    po = polib.pofile(str(django_strings(language, domain=domain)))
    mo = polib.mofile(str(django_strings(language, "mo", domain)))
    broken = [
        (entry.msgid, text)
        for entry in po
        for text in (entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr])
        if set(placeholders(text)) != set(placeholders(entry.msgid))
        and set(placeholders(text)) != set(placeholders(entry.msgid_plural))
    ]

    assert broken == []
    assert translations(mo) == translations(po), "run `make messages` to compile it"


@pytest.mark.parametrize(("language", "domain"), DJANGO_STRING_CATALOGUES)
def test_locale_django_holds_only_djangos_own_messages_with_their_plurals(language, domain):
    django_messages = {
        (entry.msgctxt, entry.msgid): entry.msgid_plural
        for path in DJANGO_CATALOGUES[domain]
        for entry in polib.pofile(str(path))
    }
    ours = {
        (entry.msgctxt, entry.msgid): entry.msgid_plural
        for entry in polib.pofile(str(django_strings(language, domain=domain)))
    }

    assert ours.items() <= django_messages.items(), "copy msgids from Django's catalogues"


def test_the_pashto_admin_strings_are_written_with_pashto_letters():
    entries = [
        *polib.pofile(str(django_strings("ps"))),
        *polib.pofile(str(django_strings("ps", domain="djangojs"))),
    ]
    text = "".join(entry.msgstr or "".join(entry.msgstr_plural.values()) for entry in entries)

    # Pashto writes ګ, not the Dari گ, and has letters Dari lacks.
    assert "گ" not in text
    assert set("ړټښږ") <= set(text)


def test_the_project_catalogues_come_first_and_makemessages_leaves_locale_django_alone():
    assert settings.LOCALE_PATHS[0] == BASE / "locale"
    assert DJANGO_STRINGS in map(Path, settings.LOCALE_PATHS)
    # The header says where the messages come from and that they await review.
    for language, domain in DJANGO_STRING_CATALOGUES:
        header = polib.pofile(str(django_strings(language, domain=domain))).header
        assert "Django" in header
        assert "await review" in header
