"""Dates and numbers as the public pages write them in the active language.

English keeps Django's formats ("6 December 2015"). Dari (fa) and Pashto (ps) readers
date things in the Solar Hijri calendar with the Afghan month names (حمل, not the
Iranian فروردین) and write Eastern Arabic-Indic digits, so their pages give
"۱۵ قوس ۱۳۹۴ (۶ دسمبر ۲۰۱۵)": the Solar Hijri day, then the Gregorian one.

Only visible text goes through here: URLs, slugs, codes, ``<time datetime>``
attributes, the API and downloads keep ISO dates and ASCII digits.

The conversion is persiantools', which follows the astronomical Solar Hijri calendar
(Nowruz on the day whose noon at 52.5°E follows the March equinox); tests/test_dates.py
checks it against the equinoxes for 1300–1500. Spellings: docs/glossary.md.
"""

import datetime

from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from persiantools.jdatetime import JalaliDate

# Languages whose pages use the Solar Hijri calendar and Eastern Arabic-Indic digits.
SOLAR_HIJRI_LANGUAGES = {"fa", "ps"}

# Hamal (1) to Hut (12), the names used in Afghanistan.
SOLAR_HIJRI_MONTHS = {
    "fa": (
        "حمل",
        "ثور",
        "جوزا",
        "سرطان",
        "اسد",
        "سنبله",
        "میزان",
        "عقرب",
        "قوس",
        "جدی",
        "دلو",
        "حوت",
    ),
    "ps": (
        "وری",
        "غویی",
        "غبرګولی",
        "چنګاښ",
        "زمری",
        "وږی",
        "تله",
        "لړم",
        "لیندۍ",
        "مرغومی",
        "سلواغه",
        "کب",
    ),
}

# January to December as Afghan media write them (from English: دسمبر, not the
# Iranian دسامبر that Django's fa locale gives).
GREGORIAN_MONTHS = {
    "fa": (
        "جنوری",
        "فبروری",
        "مارچ",
        "اپریل",
        "می",
        "جون",
        "جولای",
        "اگست",
        "سپتمبر",
        "اکتوبر",
        "نومبر",
        "دسمبر",
    ),
    "ps": (
        "جنوري",
        "فبروري",
        "مارچ",
        "اپرېل",
        "مۍ",
        "جون",
        "جولای",
        "اګست",
        "سپتمبر",
        "اکتوبر",
        "نومبر",
        "ډسمبر",
    ),
}

EASTERN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")

# Between two months of a span: "قوس–جدی ۱۳۹۴".
SPAN = "–"


def afghan_language(language=None):
    """The active language if its pages use Solar Hijri dates and Eastern digits, else None."""
    code = (language or translation.get_language() or "").lower().split("-")[0]
    return code if code in SOLAR_HIJRI_LANGUAGES else None


def local_digits(value, language=None):
    """``value`` as text, its ASCII digits in Eastern Arabic-Indic on Dari and Pashto pages."""
    text = str(value)
    return text.translate(EASTERN_DIGITS) if afghan_language(language) else text


class LocalNumber(int):
    """A count that prints in the page's digits but stays a number.

    ``{% blocktranslate count counter=n|digits %}`` still picks the plural form by its
    value, and it prints "۱۲" on Dari and Pashto pages.
    """

    def __new__(cls, value, language):
        number = super().__new__(cls, value)
        number.language = language
        return number

    def __str__(self):
        return local_digits(int(self), self.language)

    __repr__ = __str__


def solar_hijri(day):
    """(year, month, day) of ``day`` in the Solar Hijri calendar, e.g. (1394, 9, 15)."""
    jalali = JalaliDate(day)
    return jalali.year, jalali.month, jalali.day


def format_day(day):
    """A day as the public pages write it, e.g. 1 December 2015 or ۱۰ قوس ۱۳۹۴ (۱ دسمبر ۲۰۱۵)."""
    language = afghan_language()
    if not language:
        return date_format(day, _("j F Y"))
    year, month, sh_day = solar_hijri(day)
    solar = f"{sh_day} {SOLAR_HIJRI_MONTHS[language][month - 1]} {year}"
    gregorian = f"{day.day} {GREGORIAN_MONTHS[language][day.month - 1]} {day.year}"
    return local_digits(f"{solar} ({gregorian})", language)


def format_month(day):
    """The Gregorian month of ``day``, e.g. December 2015 or قوس–جدی ۱۳۹۴ (دسمبر ۲۰۱۵).

    A Gregorian month overlaps two Solar Hijri months (three never fit in one), which may
    lie in two Solar Hijri years: March 2025 is حوت ۱۴۰۳–حمل ۱۴۰۴.
    """
    language = afghan_language()
    if not language:
        return date_format(day, "YEAR_MONTH_FORMAT")
    first = day.replace(day=1)
    last = (first + datetime.timedelta(days=31)).replace(day=1) - datetime.timedelta(days=1)
    first_year, first_month = solar_hijri(first)[:2]
    last_year, last_month = solar_hijri(last)[:2]
    names = SOLAR_HIJRI_MONTHS[language]
    if (first_year, first_month) == (last_year, last_month):
        solar = f"{names[first_month - 1]} {first_year}"
    elif first_year == last_year:
        solar = f"{names[first_month - 1]}{SPAN}{names[last_month - 1]} {first_year}"
    else:
        solar = f"{names[first_month - 1]} {first_year}{SPAN}{names[last_month - 1]} {last_year}"
    gregorian = f"{GREGORIAN_MONTHS[language][day.month - 1]} {day.year}"
    return local_digits(f"{solar} ({gregorian})", language)
