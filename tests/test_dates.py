"""Dates and numbers on Dari and Pashto pages: Solar Hijri with Afghan month names and the
Gregorian date beside it, Eastern Arabic-Indic digits in visible text only."""

import datetime
import math
import re
from html.parser import HTMLParser

import pytest
from django.template import engines
from django.test import RequestFactory
from django.urls import resolve, reverse
from django.utils import translation

from debates.localize import format_day, format_month, local_digits, solar_hijri

EASTERN = re.compile("[\u06f0-\u06f9\u0660-\u0669]")

# --- The reference: the astronomical Solar Hijri calendar, from the March equinox ---

# Meeus, Astronomical Algorithms (2nd ed.), chapter 27: the periodic terms of the equinox.
_EQUINOX_TERMS = [
    (485, 324.96, 1934.136), (203, 337.23, 32964.467), (199, 342.08, 20.186),
    (182, 27.85, 445267.112), (156, 73.14, 45036.886), (136, 171.52, 22518.443),
    (77, 222.54, 65928.934), (74, 296.72, 3034.906), (70, 243.58, 9037.513),
    (58, 119.81, 33718.147), (52, 297.17, 150.678), (50, 21.02, 2281.226),
    (45, 247.54, 29929.562), (44, 325.15, 31555.956), (29, 60.93, 4443.417),
    (18, 155.12, 67555.328), (17, 288.79, 4562.452), (16, 198.04, 62894.029),
    (14, 199.76, 31436.921), (12, 95.39, 14577.848), (12, 287.11, 31931.756),
    (12, 320.81, 34777.259), (9, 227.73, 1222.114), (8, 15.45, 16859.074),
]  # fmt: skip


def march_equinox_jde(year):
    """The March equinox of a Gregorian year (1000–3000) as a Julian Ephemeris Day (TT)."""
    y = (year - 2000) / 1000
    jde0 = 2451623.80984 + 365242.37404 * y + 0.05169 * y**2 - 0.00411 * y**3 - 0.00057 * y**4
    t = (jde0 - 2451545.0) / 36525
    w = math.radians(35999.373 * t - 2.47)
    dl = 1 + 0.0334 * math.cos(w) + 0.0007 * math.cos(2 * w)
    s = sum(a * math.cos(math.radians(b + c * t)) for a, b, c in _EQUINOX_TERMS)
    return jde0 + 0.00001 * s / dl


def delta_t_seconds(year):
    """TT − UT (Espenak and Meeus's polynomials, 1920–2150)."""
    if year < 1941:
        t = year - 1920
        return 21.20 + 0.84493 * t - 0.076100 * t**2 + 0.0020936 * t**3
    if year < 1961:
        t = year - 1950
        return 29.07 + 0.407 * t - t**2 / 233 + t**3 / 2547
    if year < 1986:
        t = year - 1975
        return 45.45 + 1.067 * t - t**2 / 260 - t**3 / 718
    if year < 2005:
        t = year - 2000
        return (
            63.86 + 0.3345 * t - 0.060374 * t**2 + 0.0017275 * t**3
            + 0.000651814 * t**4 + 0.00002373599 * t**5
        )  # fmt: skip
    if year < 2050:
        t = year - 2000
        return 62.92 + 0.32217 * t + 0.005589 * t**2
    return -20 + 32 * ((year - 1820) / 100) ** 2 - 0.5628 * (2150 - year)


def astronomical_nowruz(sh_year):
    """1 Hamal: the day whose noon at the Tehran meridian (52.5°E, UT+3:30) follows the
    March equinox, i.e. the equinox's day if it falls before that noon, else the next."""
    gregorian_year = sh_year + 621
    jd_ut = march_equinox_jde(gregorian_year) - delta_t_seconds(gregorian_year) / 86400
    equinox_ut = datetime.datetime(2000, 1, 1, 12) + datetime.timedelta(days=jd_ut - 2451545.0)
    # Local time at 52.5°E, plus 12 hours: before noon stays on the day, after it moves on.
    return (equinox_ut + datetime.timedelta(hours=3.5 + 12)).date()


def test_the_reference_gives_the_nowruz_of_published_calendars():
    # Nowruz as Afghan and Iranian calendars printed it.
    assert astronomical_nowruz(1394) == datetime.date(2015, 3, 21)
    assert astronomical_nowruz(1395) == datetime.date(2016, 3, 20)
    assert astronomical_nowruz(1399) == datetime.date(2020, 3, 20)
    assert astronomical_nowruz(1400) == datetime.date(2021, 3, 21)
    assert astronomical_nowruz(1403) == datetime.date(2024, 3, 20)
    assert astronomical_nowruz(1404) == datetime.date(2025, 3, 21)


@pytest.mark.parametrize("year", range(1300, 1502))
def test_every_year_from_1300_to_1500_starts_and_ends_as_the_equinox_says(year):
    # Checked separately: this reference agrees with the full VSOP87 equinoxes for every
    # year here; the closest call is 1309, whose equinox is 12 s before noon at 52.5°E.
    nowruz = astronomical_nowruz(year)
    following = astronomical_nowruz(year + 1)
    assert solar_hijri(nowruz) == (year, 1, 1)
    leap = (following - nowruz).days == 366
    assert solar_hijri(following - datetime.timedelta(days=1)) == (year, 12, 30 if leap else 29)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (datetime.date(2025, 3, 21), (1404, 1, 1)),  # Nowruz after the leap year 1403
        (datetime.date(2025, 3, 20), (1403, 12, 30)),  # 30 Hut: 1403 is leap
        (datetime.date(2026, 3, 20), (1404, 12, 29)),  # 1404 is common: Hut ends on the 29th
        (datetime.date(2021, 3, 20), (1399, 12, 30)),  # 1399 is leap
        (datetime.date(2017, 3, 20), (1395, 12, 30)),  # 1395 is leap
        (datetime.date(2029, 3, 19), (1407, 12, 29)),  # 1407 is common (the 2820-year rule
        (datetime.date(2029, 3, 20), (1408, 1, 1)),  # ... makes it leap)
        (datetime.date(2030, 3, 20), (1408, 12, 30)),  # 1408 is leap
        (datetime.date(2015, 12, 6), (1394, 9, 15)),
        (datetime.date(1921, 3, 21), (1300, 1, 1)),
        (datetime.date(2122, 3, 20), (1500, 12, 29)),  # the last day of 1500, a common year
    ],
)
def test_known_days_convert_to_their_solar_hijri_date(day, expected):
    assert solar_hijri(day) == expected


# --- Formatting for display ---


def in_language(language, function, *args):
    with translation.override(language):
        return function(*args)


def test_english_dates_are_unchanged():
    assert in_language("en", format_day, datetime.date(2015, 12, 6)) == "6 December 2015"
    assert in_language("en", format_month, datetime.date(2015, 12, 1)) == "December 2015"


def test_dari_days_are_solar_hijri_with_afghan_month_names_and_the_gregorian_day_beside():
    day = datetime.date(2015, 12, 6)
    assert in_language("fa", format_day, day) == "۱۵ قوس ۱۳۹۴ (۶ دسمبر ۲۰۱۵)"
    assert in_language("fa", format_day, datetime.date(2025, 3, 21)) == (
        "۱ حمل ۱۴۰۴ (۲۱ مارچ ۲۰۲۵)"
    )


def test_pashto_days_use_the_pashto_month_names():
    assert in_language("ps", format_day, datetime.date(2015, 12, 6)) == (
        "۱۵ لیندۍ ۱۳۹۴ (۶ ډسمبر ۲۰۱۵)"
    )
    assert in_language("ps", format_day, datetime.date(2025, 3, 20)) == (
        "۳۰ کب ۱۴۰۳ (۲۰ مارچ ۲۰۲۵)"
    )


def test_a_month_spans_the_two_solar_hijri_months_it_overlaps():
    december = datetime.date(2015, 12, 1)
    assert in_language("fa", format_month, december) == "قوس–جدی ۱۳۹۴ (دسمبر ۲۰۱۵)"
    assert in_language("ps", format_month, december) == "لیندۍ–مرغومی ۱۳۹۴ (ډسمبر ۲۰۱۵)"


def test_march_spans_two_solar_hijri_years():
    march = datetime.date(2025, 3, 1)
    assert in_language("fa", format_month, march) == "حوت ۱۴۰۳–حمل ۱۴۰۴ (مارچ ۲۰۲۵)"


def test_a_month_precision_debate_shows_its_span_in_dari(make, db):
    debate = make.debate(held_on=datetime.date(2015, 12, 1), held_on_precision="month")
    with translation.override("fa"):
        assert debate.held_on_display == "قوس–جدی ۱۳۹۴ (دسمبر ۲۰۱۵)"
    assert debate.held_on_iso == "2015-12"


# --- Digits ---


def test_digits_are_eastern_only_on_dari_and_pashto_pages():
    assert local_digits("Page 12 of 30", "fa") == "Page ۱۲ of ۳۰"
    assert local_digits(45, "ps") == "۴۵"
    assert local_digits(45, "en") == "45"


def test_the_digits_filter_keeps_the_plural_form_of_a_count():
    template = engines["django"].from_string(
        "{% load i18n localized %}{% blocktranslate count counter=n|digits %}"
        "{{ counter }} debate{% plural %}{{ counter }} debates{% endblocktranslate %}"
    )
    # Pashto has a singular and a plural form (Dari counts with the singular).
    with translation.override("ps"):
        assert template.render({"n": 1}) == "۱ مناظره"
        assert template.render({"n": 21}) == "۲۱ مناظرې"
    with translation.override("en"):
        assert template.render({"n": 21}) == "21 debates"


class _Page(HTMLParser):
    """Collects the attributes and the visible text of a page."""

    def __init__(self):
        super().__init__()
        self.attributes, self.text = [], []

    def handle_starttag(self, tag, attrs):
        self.attributes += [(tag, name, value or "") for name, value in attrs]

    def handle_data(self, data):
        self.text.append(data)


# Attributes a reader sees or hears: they follow the page's language.
_READ_ATTRIBUTES = {"content", "title", "aria-label", "alt", "placeholder"}


def render_page(name, language, **kwargs):
    """The page under ``language``, called through its view (whatever the URL prefix)."""
    with translation.override(language):
        path = reverse(name, kwargs=kwargs)
        request = RequestFactory().get(path)
        match = resolve(path)
        response = match.func(request, *match.args, **match.kwargs)
        page = _Page()
        page.feed(response.content.decode())
    return page


@pytest.mark.django_db
def test_a_dari_debate_page_shows_eastern_digits_but_keeps_links_and_attributes_ascii(make):
    debate = make.debate(
        held_on=datetime.date(2015, 12, 6),
        attendance_total=120,
        attendance_women=45,
    )
    statements = [make.statement(debate, position="for-it") for _ in range(3)]

    page = render_page("debates:debate_detail", "fa", slug=debate.slug)

    text = " ".join(page.text)
    assert "۱۵ قوس ۱۳۹۴ (۶ دسمبر ۲۰۱۵)" in text
    assert "۱۲۰" in text and "۴۵" in text and "۳۸" in text  # attendance, women, their share
    machine = [(tag, name, v) for tag, name, v in page.attributes if name not in _READ_ATTRIBUTES]
    assert [(tag, name, v) for tag, name, v in machine if EASTERN.search(v)] == []
    assert ("time", "datetime", "2015-12-06") in page.attributes
    assert ("a", "href", f"#statement-{statements[0].pk}") in page.attributes


@pytest.mark.django_db
def test_a_dari_debate_list_counts_and_dates_in_eastern_digits(make):
    debate = make.debate(held_on=datetime.date(2015, 12, 1), held_on_precision="month")
    make.statement(debate)
    make.statement(debate)

    page = render_page("debates:debate_list", "fa")

    text = " ".join(page.text)
    assert "قوس–جدی ۱۳۹۴ (دسمبر ۲۰۱۵)" in text
    assert "۲ مورد اظهارات" in text
    assert [v for _, name, v in page.attributes if name == "href" and EASTERN.search(v)] == []


@pytest.mark.django_db
def test_a_dari_report_page_dates_its_report_in_solar_hijri(make):
    report = make.report(published_on=datetime.date(2016, 1, 1))

    page = render_page("reports:report_detail", "fa", slug=report.slug)

    assert "۱۱ جدی ۱۳۹۴ (۱ جنوری ۲۰۱۶)" in " ".join(page.text)
    assert ("time", "datetime", "2016-01-01") in page.attributes


@pytest.mark.django_db
def test_english_pages_keep_gregorian_dates_and_ascii_digits(make):
    debate = make.debate(held_on=datetime.date(2015, 12, 6), attendance_total=120)

    page = render_page("debates:debate_detail", "en", slug=debate.slug)

    text = " ".join(page.text)
    assert "6 December 2015" in text and "120 people" in text
    assert not EASTERN.search(text)
