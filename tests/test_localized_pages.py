"""The public pages and feeds in Dari and Pashto: the page language's text where there is
one, the English otherwise and marked as English, and statements that say when they are a
translation and how it was made."""

import pytest
from django.utils import translation

from debates.languages import language_name
from debates.models import Statement

pytestmark = pytest.mark.django_db


def in_dari(message, language=None):
    """``message`` as a Dari page writes it, with the name of ``language`` in it."""
    with translation.override("fa"):
        text = translation.gettext(message)
        if language:
            text = text % {"language": language_name(language)}
        return text


def page(client, path, language="fa"):
    prefix = "" if language == "en" else f"/{language}"
    response = client.get(prefix + path)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def dari_debate(make):
    topic = make.topic(
        title="Peace talks",
        slug="peace-talks",
        question="Should Afghanistan talk to Russia?",
        translations={
            "fa": {"title": "مذاکرات صلح", "question": "آیا افغانستان با روسیه گفتگو کند؟"}
        },
    )
    return make.debate(
        title="Russia's overture",
        slug="overture",
        topic=topic,
        summary="Speakers rejected the idea.",
        venue="Youth centre",
        translations={
            "fa": {"title": "پیشنهاد روسیه", "summary": "سخنرانان این ایده را رد کردند."}
        },
    )


def test_a_dari_page_shows_the_dari_title_question_and_summary_with_nothing_extra(
    client, every_language, dari_debate
):
    text = page(client, "/debates/overture/")

    assert "<h1>پیشنهاد روسیه</h1>" in text
    assert '<p class="question">آیا افغانستان با روسیه گفتگو کند؟</p>' in text
    assert '<div class="summary"><p>سخنرانان این ایده را رد کردند.</p></div>' in text
    assert "<title>پیشنهاد روسیه (کندز," in text
    assert '<meta property="og:title" content="پیشنهاد روسیه">' in text
    assert "Russia&#x27;s overture" not in text


def test_what_has_no_dari_translation_is_shown_in_english_marked_as_english(
    client, every_language, dari_debate
):
    text = page(client, "/debates/overture/")

    assert '<span lang="en" dir="ltr">Youth centre</span>' in text
    topic = page(client, "/topics/peace-talks/")
    assert '<span lang="en" dir="ltr">For It</span>' in topic


def test_a_pashto_page_without_pashto_text_shows_the_english_marked_as_english(
    client, every_language, dari_debate
):
    text = page(client, "/debates/overture/", "ps")

    assert '<h1 lang="en" dir="ltr">Russia&#x27;s overture</h1>' in text


def test_an_english_page_shows_the_english_with_no_language_marks(
    client, every_language, dari_debate
):
    make_statement = Statement.objects.create(debate=dari_debate, kind="quote", text="No deal.")
    text = page(client, "/debates/overture/", "en")

    assert "<h1>Russia&#x27;s overture</h1>" in text
    assert '<p class="question">Should Afghanistan talk to Russia?</p>' in text
    assert f'<blockquote class="statement__text"><p>{make_statement.text}</p></blockquote>' in text
    assert '<span class="statement__kind">Quote</span>' in text
    assert 'lang="fa"' not in text.split("<main", 1)[1].split('class="alt-name"')[0]
    assert "translated from" not in text


def test_lists_of_topics_provinces_and_debates_name_them_in_dari(
    client, every_language, dari_debate
):
    home = page(client, "/")
    assert '<a href="/fa/debates/overture/" class="debate-item__title">' not in home
    assert ">پیشنهاد روسیه</a>" in home
    assert ">مذاکرات صلح</a>" in home
    assert ">کندز</a>" in home
    assert ">مذاکرات صلح</a></h2>" in page(client, "/topics/")
    provinces = page(client, "/provinces/")
    assert '>کندز</a> <span lang="en" dir="ltr">Kunduz</span>' in provinces


def test_a_province_page_in_dari_is_titled_with_the_dari_name_and_gives_the_english_beside(
    client, every_language, dari_debate
):
    text = page(client, "/provinces/kunduz/")

    assert "<title>کندز ·" in text
    assert (
        '<h1><span>کندز</span> <span class="alt-name" lang="en" dir="ltr">Kunduz</span></h1>'
        in text
    )


def test_a_statement_spoken_in_dari_shows_the_words_as_spoken_on_a_dari_page_as_they_are(
    client, every_language, dari_debate, make
):
    make.statement(
        dari_debate,
        text="We want peace.",
        original_text="ما صلح می‌خواهیم.",
        original_language="fa-AF",
    )
    text = page(client, "/debates/overture/")

    assert '<blockquote class="statement__text"><p>ما صلح می‌خواهیم.</p></blockquote>' in text
    assert text.count("ما صلح می‌خواهیم.") == 1
    assert f'<span class="statement__kind">{in_dari("Quote")}</span>' in text
    assert "translated from" not in text
    assert "We want peace." not in text


def test_the_english_of_a_dari_statement_says_it_is_a_translation_beside_the_words_as_spoken(
    client, every_language, dari_debate, make
):
    make.statement(
        dari_debate,
        text="We want peace.",
        original_text="ما صلح می‌خواهیم.",
        original_language="fa-AF",
    )
    text = page(client, "/debates/overture/", "en")

    assert '<blockquote class="statement__text"><p>We want peace.</p></blockquote>' in text
    assert '<p class="statement__original" lang="fa-AF" dir="rtl">ما صلح می‌خواهیم.</p>' in text
    assert '<span class="statement__kind">Quote, translated from Dari</span>' in text


def test_a_dari_translation_of_a_pashto_quote_says_so_and_keeps_the_pashto_beside_it(
    client, every_language, dari_debate, make
):
    make.statement(
        dari_debate,
        text="We want peace.",
        original_text="موږ سوله غواړو.",
        original_language="ps",
        translations={"fa": {"text": "ما صلح می‌خواهیم.", "reviewed": True}},
    )
    text = page(client, "/debates/overture/")

    assert '<blockquote class="statement__text"><p>ما صلح می‌خواهیم.</p></blockquote>' in text
    assert '<p class="statement__original" lang="ps" dir="rtl">موږ سوله غواړو.</p>' in text
    kind = in_dari("Quote, translated from %(language)s", "ps")
    assert f'<span class="statement__kind">{kind}</span>' in text
    assert "statement__translation-note" not in text


def test_a_machine_translation_not_yet_checked_says_both(client, every_language, dari_debate, make):
    make.statement(
        dari_debate,
        kind="paraphrase",
        text="He wants peace.",
        translations={"fa": {"text": "او صلح می‌خواهد.", "method": "machine"}},
    )
    text = page(client, "/debates/overture/")

    assert '<p class="statement__text">او صلح می‌خواهد.</p>' in text
    kind = in_dari("Paraphrase, translated from %(language)s", "en")
    assert f'<span class="statement__kind">{kind}</span>' in text
    machine, unchecked = in_dari("Machine translation"), in_dari("Translation not yet checked")
    assert f'<span class="statement__translation-note">{machine}</span>' in text
    assert f'<span class="statement__translation-note">{unchecked}</span>' in text


def test_an_english_statement_on_a_dari_page_without_translation_is_marked_english(
    client, every_language, dari_debate, make
):
    make.statement(dari_debate, text="No deal.")
    text = page(client, "/debates/overture/")

    assert (
        '<blockquote class="statement__text" lang="en" dir="ltr"><p>No deal.</p></blockquote>'
        in text
    )
    assert f'<span class="statement__kind">{in_dari("Quote")}</span>' in text


def test_search_results_and_report_quotes_show_the_dari_translation_and_say_so(
    client, every_language, dari_debate, make
):
    statement = make.statement(
        dari_debate,
        text="Peace first.",
        translations={"fa": {"text": "اول صلح.", "reviewed": True}},
    )
    make.report(debates=[dari_debate], quotes=[statement], slug="peace-first")
    kind = in_dari("Quote, translated from %(language)s", "en")
    note = f'<span class="statement__kind">{kind}</span>'

    search = page(client, "/search/?q=peace")
    assert '<blockquote class="statement__text"><p>اول صلح.</p></blockquote>' in search
    assert note in search
    report = page(client, "/reports/peace-first/")
    assert '<blockquote class="statement__text"><p>اول صلح.</p></blockquote>' in report
    assert note in report


def test_a_dari_report_shows_its_dari_headline_standfirst_and_body(
    client, every_language, dari_debate, make
):
    make.report(
        debates=[dari_debate],
        slug="no-alliance",
        headline="No alliance",
        standfirst="Kunduz says no.",
        body="A long story.",
        translations={"fa": {"headline": "بدون اتحاد", "body": "یک داستان طولانی."}},
    )
    text = page(client, "/reports/no-alliance/")

    assert "<h1>بدون اتحاد</h1>" in text
    assert '<p class="standfirst" lang="en" dir="ltr">Kunduz says no.</p>' in text
    assert '<div class="report__body prose"><p>یک داستان طولانی.</p></div>' in text
    assert ">پیشنهاد روسیه</a>" in text


def test_a_dari_report_body_quoting_a_withheld_statements_dari_words_withdraws_them(
    client, every_language, dari_debate, make
):
    make.statement(
        dari_debate,
        text="The governor takes bribes.",
        translations={"fa": {"text": "والی رشوه می‌گیرد."}},
        withheld=True,
    )
    make.report(
        debates=[dari_debate],
        slug="bribes",
        body="He said “the governor takes bribes”.",
        translations={"fa": {"body": "او گفت «والی رشوه می‌گیرد» و رفت. “والی رشوه می‌گیرد”"}},
    )

    text = page(client, "/reports/bribes/")
    feed = page(client, "/feeds/reports/")

    assert "رشوه" not in text
    assert "رشوه" not in feed


def test_a_dari_feed_marks_its_english_entries_as_english(
    client, every_language, dari_debate, make
):
    make.debate(title="Ghor talks", slug="ghor", province="AF-GHO", summary="Talks in Ghor.")
    feed = page(client, "/feeds/debates/")

    assert '<feed xml:lang="fa" xmlns="http://www.w3.org/2005/Atom">' in feed
    assert '<entry xml:lang="en"><title>Ghor talks (غور' in feed
    assert "<entry><title>پیشنهاد روسیه (کندز" in feed
    assert '<summary type="text">سخنرانان این ایده را رد کردند.</summary>' in feed


def test_a_feed_entry_with_a_dari_title_and_an_english_summary_marks_the_summary(
    client, every_language, make
):
    make.debate(title="Ghor talks", summary="Talks in Ghor.", translations={"fa": {"title": "غور"}})
    feed = page(client, "/feeds/debates/")

    assert '<summary type="text" xml:lang="en">Talks in Ghor.</summary>' in feed


def test_an_english_feed_is_english_throughout(client, every_language, dari_debate):
    feed = page(client, "/feeds/debates/", "en")

    assert '<feed xml:lang="en" xmlns="http://www.w3.org/2005/Atom">' in feed
    assert "<entry><title>Russia's overture (Kunduz, " in feed


def test_dari_text_on_an_english_page_is_marked_dari(client, every_language, dari_debate):
    text = page(client, "/provinces/kunduz/", "en")

    assert (
        '<h1><span>Kunduz</span> <span class="alt-name" lang="fa" dir="rtl">کندز</span></h1>'
        in text
    )


def test_the_debate_and_report_filters_name_topics_and_provinces_in_dari(
    client, every_language, dari_debate, make
):
    make.report(debates=[dari_debate], programme=make.programme(name="Peace programme"))
    debates = page(client, "/debates/")
    reports = page(client, "/reports/")

    assert '<option value="peace-talks">مذاکرات صلح</option>' in debates
    assert '<option value="kunduz">کندز</option>' in debates
    assert '<option value="kunduz">کندز</option>' in reports
    assert ">Peace programme</option>" in reports
