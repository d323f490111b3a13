"""Reports: the featured-quote rule, the quote check and Markdown sanitising."""

import pytest

from reports.markdown import plain_text, render_markdown
from reports.models import Report, featured_quote_problem
from reports.quotecheck import Verdict, check_quotes, normalise, quoted_passages

pytestmark = pytest.mark.django_db

DOORMAN = (
    "The United States supported the mujahedeen of Afghanistan in the 1980s and defeated "
    "Russia this way. Today, Russia wants to support the Taleban to defeat America."
)


@pytest.fixture
def kunduz(make):
    debate = make.debate(title="Kunduz debate")
    make.statement(debate, text=DOORMAN, key="doorman-mujahedeen")
    return debate


def test_a_report_may_feature_statements_of_its_own_debates(kunduz):
    statement = kunduz.statements.get()
    assert featured_quote_problem(statement, [kunduz.pk], "published") is None


def test_a_quote_from_another_debate_is_refused_with_a_clear_message(make, kunduz):
    other = make.debate(title="Ghor debate")
    problem = featured_quote_problem(kunduz.statements.get(), [other.pk], "draft")
    assert "Kunduz debate" in problem
    assert "which this report is not based on" in problem


def test_a_published_report_cannot_quote_a_draft_debate(make):
    draft = make.debate(status="draft", title="Secret draft")
    statement = make.statement(draft)
    assert featured_quote_problem(statement, [draft.pk], "draft") is None
    problem = featured_quote_problem(statement, [draft.pk], "published")
    assert "draft debate" in problem


def test_published_reports_come_newest_first_without_drafts(make):
    old = make.report(published_on="2015-01-01")
    new = make.report(published_on="2016-01-01")
    make.report(status="draft")
    assert list(Report.objects.published().newest_first()) == [new, old]


def test_reports_filter_by_the_province_of_their_debates(make):
    ghor = make.debate(province="AF-GHO")
    report = make.report(debates=[ghor, make.debate(province="AF-GHO")])
    make.report(debates=[make.debate(province="AF-KAB")])
    assert list(Report.objects.in_province(ghor.province)) == [report]


def test_quoted_passages_are_found_in_straight_and_curly_quotes():
    body = 'He said “one thing,” then "another" and ‘not this’.'
    assert quoted_passages(body) == ["one thing,", "another"]


def test_normalising_ignores_case_punctuation_and_whitespace():
    assert normalise("  Today,\nRUSSIA wants… [to] ") == "today russia wants to"


def test_a_real_quote_matches_its_statement(kunduz):
    body = (
        "“The United States supported the mujahedeen of Afghanistan in the 1980s and "
        "defeated Russia this way,” he said. “Today, Russia wants to support the Taleban "
        "to defeat America.”"
    )
    results = check_quotes(body, kunduz.statements.all())
    assert [r.verdict for r in results] == [Verdict.MATCHED, Verdict.MATCHED]
    assert results[0].statement.key == "doorman-mujahedeen"


def test_a_curly_quote_matches_its_straight_quoted_statement(make):
    debate = make.debate()
    make.statement(debate, text='They don\'t recognise "the caliph" at all.')
    body = "He said: “They don’t recognise ‘the caliph’ at all.”"
    [result] = check_quotes(body, debate.statements.all())
    assert result.verdict == Verdict.MATCHED


def test_an_altered_quote_does_not_match_and_names_the_likely_source(kunduz):
    body = "“Today, Russia wants to arm the Taleban to defeat America.”"
    [result] = check_quotes(body, kunduz.statements.all())
    assert result.verdict == Verdict.MISQUOTED
    assert result.statement.key == "doorman-mujahedeen"


def test_a_quote_with_no_source_says_so(kunduz):
    [result] = check_quotes("“Taleban interests objectively coincide with ours.”", [])
    assert result.verdict == Verdict.UNSOURCED
    [result] = check_quotes(
        "“Taleban interests objectively coincide with ours.”", kunduz.statements.all()
    )
    assert result.verdict == Verdict.UNSOURCED


def test_markdown_renders_paragraphs_emphasis_and_links():
    html = render_markdown("One *two*.\n\n[Three](https://example.org/)")
    assert "<p>One <em>two</em>.</p>" in html
    assert 'href="https://example.org/"' in html
    assert 'rel="nofollow noopener noreferrer"' in html


@pytest.mark.parametrize(
    ("body", "forbidden"),
    [
        ("Hello <script>alert(1)</script> world", ["<script", "alert(1)"]),
        ("[click](javascript:alert(1))", ["javascript:"]),
        ('<a href="JaVaScRiPt:alert(1)">x</a>', ["javascript:", "JaVaScRiPt"]),
        ('<img src="x" onerror="alert(1)">', ["onerror", "<img"]),
        ('<p onclick="steal()">text</p>', ["onclick"]),
        ('<iframe src="https://evil.example"></iframe>', ["<iframe"]),
        ('<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>', ["data:"]),
        ("<style>body{display:none}</style>", ["<style", "display:none"]),
    ],
)
def test_markdown_never_lets_scripts_or_event_handlers_through(body, forbidden):
    html = render_markdown(body)
    for fragment in forbidden:
        assert fragment not in html


def test_a_report_description_falls_back_to_the_body_as_plain_text():
    report = Report(body="**Bold** start of a *long* story.", standfirst="")
    assert str(report.description) == "Bold start of a long story."
    assert plain_text("word " * 100, limit=20).endswith("…")
