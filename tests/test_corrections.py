"""Corrections: a published statement or report changed afterwards says so in public."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from debates.models import Statement, format_day
from record.exporter import export_record
from record.importer import import_record
from reports.models import Report
from tests.test_roles import EDITOR, change_url, form_data, inline_row, login, post_form

pytestmark = pytest.mark.django_db


def today():
    return format_day(timezone.localdate())


@pytest.fixture
def editor(django_user_model):
    return login(EDITOR, django_user_model)


@pytest.fixture
def featured(make):
    debate = make.debate(status="published")
    statement = make.statement(debate, key="featured-quote", text="The words as first entered.")
    report = make.report(status="published", debates=[debate], quotes=[statement])
    return debate, statement, report


def correct_in_debate_form(client, debate, statement, **fields):
    url = change_url(debate)
    data = form_data(url)
    row = inline_row(data, statement).removesuffix("-id")
    data.update({f"{row}-{name}": value for name, value in fields.items()})
    return client.post(url, data)


def test_correcting_a_featured_statement_shows_the_date_and_note_on_both_pages(
    editor, client, featured
):
    debate, statement, report = featured
    correct_in_debate_form(
        editor,
        debate,
        statement,
        text="The words as spoken.",
        correction_note="The translation was corrected.",
    )
    statement.refresh_from_db()
    assert statement.text == "The words as spoken."
    assert statement.corrected_on == timezone.localdate()
    for url in (debate.get_absolute_url(), report.get_absolute_url()):
        page = client.get(url).content.decode()
        assert f"Corrected on {today()}" in page
        assert "The translation was corrected." in page


def test_changing_a_draft_is_no_correction(editor, client, make):
    debate = make.debate(status="draft")
    statement = make.statement(debate)
    correct_in_debate_form(editor, debate, statement, text="Entered again.")
    statement.refresh_from_db()
    assert statement.text == "Entered again."
    assert statement.corrected_on is None


def test_withholding_is_no_correction(editor, featured):
    debate, statement, _report = featured
    correct_in_debate_form(editor, debate, statement, withheld="on")
    statement.refresh_from_db()
    assert statement.withheld
    assert statement.corrected_on is None


def test_correcting_a_published_report_shows_the_date_and_note(editor, client, make):
    report = make.report(status="published", body="Seven provinces spoke.")
    post_form(
        editor,
        change_url(report),
        body="Six provinces spoke.",
        correction_note="Six provinces, not seven.",
    )
    report.refresh_from_db()
    assert report.corrected_on == timezone.localdate()
    page = client.get(report.get_absolute_url()).content.decode()
    assert f"Corrected on {today()}" in page
    assert "Six provinces, not seven." in page


def test_an_uncorrected_page_says_nothing_of_corrections(client, featured):
    _debate, _statement, report = featured
    assert "Corrected on" not in client.get(report.get_absolute_url()).content.decode()


def exported(debate):
    out = io.StringIO()
    export_record(out, [debate.slug])
    return json.loads(out.getvalue())


def test_an_editors_import_that_changes_a_published_statement_dates_the_correction(
    editor, featured
):
    debate, statement, _report = featured
    record = exported(debate)
    record["debates"][0]["statements"][0]["text"] = "The words as spoken."
    content = json.dumps({"format": record["format"], "debates": record["debates"]}).encode()
    editor.post(
        reverse("admin:debates_debate_import"),
        {"file": SimpleUploadedFile("debates.json", content)},
    )
    statement.refresh_from_db()
    assert statement.text == "The words as spoken."
    assert statement.corrected_on == timezone.localdate()


def test_an_import_that_changes_a_published_report_dates_the_correction(featured):
    debate, _statement, report = featured
    record = exported(debate)
    record["reports"][0]["headline"] = "A corrected headline"
    import_record(json.dumps(record).encode())
    report.refresh_from_db()
    assert report.headline == "A corrected headline"
    assert report.corrected_on == timezone.localdate()


def test_corrections_stay_out_of_the_record_format(featured):
    debate, statement, report = featured
    Statement.objects.filter(pk=statement.pk).update(
        corrected_on=timezone.localdate(), correction_note="Fixed."
    )
    Report.objects.filter(pk=report.pk).update(corrected_on=timezone.localdate())
    text = json.dumps(exported(debate))
    assert "corrected" not in text
    assert "Fixed." not in text
