"""Content in three languages: which text a Dari or Pashto reader gets, and what it says
about itself (its language, whether it is a translation, how it was made)."""

import io
import json
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from debates.models import Debate, Participant, Position, Programme, Statement, Topic
from record.errors import RecordError
from record.exporter import export_record
from record.importer import import_record
from reports.models import FeaturedQuote, Report
from tests.admin_forms import form_values

pytestmark = pytest.mark.django_db


def test_a_dari_reader_gets_the_dari_title_and_an_english_reader_the_english(make):
    topic = make.topic(title="Peace talks", translations={"fa": {"title": "مذاکرات صلح"}})
    with translation.override("fa"):
        title = topic.localized("title")
    assert (str(title), title.language, title.direction) == ("مذاکرات صلح", "fa", "rtl")
    with translation.override("en"):
        assert str(topic.localized("title")) == "Peace talks"


def test_without_a_pashto_translation_a_pashto_reader_gets_the_english_marked_as_english(make):
    topic = make.topic(title="Peace talks", translations={"fa": {"title": "مذاکرات صلح"}})
    with translation.override("ps"):
        title = topic.localized("title")
        assert title.differs_from_page
    assert (str(title), title.language, title.direction) == ("Peace talks", "en", "ltr")


def test_an_empty_translation_counts_as_none(make):
    topic = make.topic(title="Peace talks", translations={"fa": {"title": ""}})
    assert topic.localized("title", "fa").language == "en"


def test_a_statement_spoken_in_dari_shows_the_words_as_spoken_to_a_dari_reader(make):
    debate = make.debate()
    statement = make.statement(
        debate,
        text="We want peace.",
        original_text="ما صلح می‌خواهیم.",
        original_language="fa-AF",
        translations={"ps": {"text": "موږ سوله غواړو.", "method": "machine"}},
    )
    shown = statement.shown_text("fa")
    assert (shown.text, shown.source, shown.is_translation) == (
        "ما صلح می‌خواهیم.",
        "original",
        False,
    )


def test_a_pashto_reader_of_a_dari_statement_gets_the_pashto_translation_and_how_it_was_made(
    make,
):
    debate = make.debate()
    statement = make.statement(
        debate,
        text="We want peace.",
        original_text="ما صلح می‌خواهیم.",
        original_language="fa-AF",
        translations={"ps": {"text": "موږ سوله غواړو.", "method": "machine"}},
    )
    shown = statement.shown_text("ps")
    assert shown.text == "موږ سوله غواړو."
    assert str(shown.translated_from_name) == "Dari"
    assert shown.is_machine_translation and shown.is_unchecked


def test_an_english_reader_of_a_dari_statement_is_told_the_english_is_a_translation(make):
    statement = make.statement(
        make.debate(), text="We want peace.", original_text="ما صلح", original_language="fa-AF"
    )
    shown = statement.shown_text("en")
    assert (shown.text, shown.is_translation, str(shown.translated_from_name)) == (
        "We want peace.",
        True,
        "Dari",
    )


def test_a_statement_recorded_only_in_english_is_not_called_a_translation_in_english(make):
    shown = make.statement(make.debate(), text="We want peace.").shown_text("en")
    assert not shown.is_translation


def test_a_reviewed_human_translation_is_neither_machine_made_nor_unchecked(make):
    statement = make.statement(
        make.debate(),
        text="We want peace.",
        translations={"fa": {"text": "ما صلح می‌خواهیم.", "method": "human", "reviewed": True}},
    )
    shown = statement.shown_text("fa")
    assert shown.is_translation and str(shown.translated_from_name) == "English"
    assert not shown.is_machine_translation and not shown.is_unchecked


@pytest.mark.parametrize(
    "translations",
    [
        {"de": {"title": "Frieden"}},
        {"fa": {"headline": "صلح"}},
        {"fa": {"title": 3}},
        {"fa": "صلح"},
        ["fa"],
    ],
)
def test_an_unknown_language_or_key_is_a_validation_error(make, translations):
    topic = make.topic()
    topic.translations = translations
    with pytest.raises(ValidationError) as error:
        topic.full_clean()
    assert "translations" in error.value.message_dict


@pytest.mark.parametrize(
    "translation_values",
    [{"text": "صلح", "method": "guess"}, {"text": "صلح", "reviewed": "yes"}],
)
def test_a_statement_translation_says_how_it_was_made_with_known_values(make, translation_values):
    statement = make.statement(make.debate())
    statement.translations = {"fa": translation_values}
    with pytest.raises(ValidationError) as error:
        statement.full_clean()
    assert "translations" in error.value.message_dict


def test_a_role_speaker_reads_in_dari_with_the_dari_role_and_province_never_a_name(make):
    speaker = make.participant(
        name="Zarghuna",
        role="provincial council member",
        province="AF-GHO",
        attribution="role",
        translations={"fa": {"name": "زرغونه", "role": "عضو شورای ولایتی"}},
    )
    debate = make.debate(province="AF-GHO")
    with translation.override("fa"):
        label = make.statement(debate, speaker=speaker).public_speaker.label
    assert "عضو شورای ولایتی" in label and "غور" in label
    assert "زرغونه" not in label and "Zarghuna" not in label


def test_a_named_speaker_reads_in_pashto_with_the_pashto_name(make):
    speaker = make.participant(
        name="Qazi Doorman", role="activist", translations={"ps": {"name": "قاضي دورمن"}}
    )
    with translation.override("ps"):
        label = make.statement(make.debate(), speaker=speaker).public_speaker.label
    assert label.startswith("قاضي دورمن")


def test_an_anonymous_speaker_in_pashto_is_placed_by_the_pashto_province_name(make):
    speaker = make.participant(attribution="anonymous", translations={"ps": {"name": "پټ"}})
    with translation.override("ps"):
        label = make.statement(make.debate(province="AF-NAN"), speaker=speaker).public_speaker.label
    assert "ننګرهار" in label and "پټ" not in label


# The admin ----------------------------------------------------------------------------


def change_form(client, obj):
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    return url, client.get(url)


def submitted(response, **changes):
    """The data the change form would post, with ``changes``."""
    return {**form_values(response), **changes}


def test_staff_give_a_topic_its_dari_title_in_the_admin(staff_client, make):
    topic = make.topic(title="Peace talks", slug="peace-talks")
    url, page = change_form(staff_client, topic)
    assert "Title (Dari)" in page.text and "Title (Pashto)" in page.text
    response = staff_client.post(url, submitted(page, title_fa="مذاکرات صلح"))
    assert response.status_code == 302
    topic.refresh_from_db()
    assert topic.translations == {"fa": {"title": "مذاکرات صلح"}}


def test_a_statement_translation_entered_in_the_admin_says_how_it_was_made(staff_client, make):
    statement = make.statement(make.debate(status="draft"), text="We want peace.")
    url, page = change_form(staff_client, statement)
    response = staff_client.post(
        url, submitted(page, text_ps="موږ سوله غواړو.", method_ps="machine", reviewed_ps="on")
    )
    assert response.status_code == 302
    statement.refresh_from_db()
    assert statement.translations == {
        "ps": {"text": "موږ سوله غواړو.", "method": "machine", "reviewed": True}
    }


@pytest.fixture
def withheld_with_dari_name(make):
    return make.participant(
        name="Zarghuna Hiddenname",
        role="provincial council member",
        attribution="role",
        translations={"fa": {"name": "زرغونه پنهان", "role": "عضو شورای ولایتی"}},
    )


def test_staff_who_may_not_see_withheld_names_see_no_translated_name_and_keep_it(
    client, django_user_model, withheld_with_dari_name
):
    user = django_user_model.objects.create_user("clerk", password="pw-12345!", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(codename__in=["view_participant", "change_participant"])
    )
    client.force_login(user)
    url, page = change_form(client, withheld_with_dari_name)
    assert "زرغونه پنهان" not in page.text and "Hiddenname" not in page.text
    assert "عضو شورای ولایتی" in page.text
    response = client.post(url, submitted(page, role_fa="عضو شورا"))
    assert response.status_code == 302
    withheld_with_dari_name.refresh_from_db()
    assert withheld_with_dari_name.translations == {
        "fa": {"name": "زرغونه پنهان", "role": "عضو شورا"}
    }


def test_erasing_a_withheld_name_erases_its_translations_too(withheld_with_dari_name):
    participant = withheld_with_dari_name
    participant.erase_name()
    participant.refresh_from_db()
    assert participant.translations == {"fa": {"role": "عضو شورای ولایتی"}}
    stored = participant.history.values_list("translations", flat=True)
    assert "زرغونه" not in str(list(stored))


def test_a_dari_search_finds_a_statement_by_its_dari_translation(client, make):
    debate = make.debate(slug="kunduz")
    make.statement(
        debate,
        text="We want peace.",
        translations={"fa": {"text": "ما صلح می‌خواهیم", "method": "machine"}},
    )
    found = client.get("/search/", {"q": "صلح"})
    assert found.context["page_obj"].paginator.count == 1
    assert client.get("/search/", {"q": "machine"}).context["page_obj"].paginator.count == 0


# The record format ---------------------------------------------------------------------

DEMO = Path(__file__).resolve().parent.parent / "demo" / "afghans-reject-russian-alliance.json"


def exported():
    out = io.StringIO()
    export_record(out)
    return out.getvalue()


def minimal(**translations):
    """A file with one topic and one debate of one statement, translated as given."""
    return {
        "format": "debate-record/1",
        "topics": [
            {
                "slug": "water",
                "title": "Water",
                "positions": [{"slug": "share", "label": "Share it", "stance": "for"}],
                **({"translations": translations["topic"]} if "topic" in translations else {}),
            }
        ],
        "debates": [
            {
                "slug": "herat-water",
                "title": "Water in Herat",
                "province": "AF-HER",
                "held_on": "2016-03-01",
                "topic": "water",
                "statements": [
                    {
                        "kind": "quote",
                        "text": "Share the water.",
                        **(
                            {"translations": translations["statement"]}
                            if "statement" in translations
                            else {}
                        ),
                    }
                ],
            }
        ],
    }


def test_the_demo_brings_dari_and_pashto_for_its_topic_and_dari_for_its_statements():
    import_record(DEMO.read_bytes())
    topic = Topic.objects.get()
    assert topic.translation("title", "fa") and topic.translation("title", "ps")
    statements = Statement.objects.all()
    assert all(s.translations["fa"]["method"] == "machine" for s in statements)
    assert not any(s.translations["fa"].get("reviewed") for s in statements)


def test_export_writes_dari_before_pashto_and_keys_in_the_formats_order():
    data = minimal(
        topic={"ps": {"question": "پوښتنه", "title": "اوبه"}, "fa": {"title": "آب"}},
        statement={"fa": {"reviewed": True, "method": "machine", "text": "آب را تقسیم کنید."}},
    )
    import_record(json.dumps(data))
    record = json.loads(exported())
    assert list(record["topics"][0]["translations"]) == ["fa", "ps"]
    assert list(record["topics"][0]["translations"]["ps"]) == ["title", "question"]
    statement = record["debates"][0]["statements"][0]["translations"]["fa"]
    assert statement == {"text": "آب را تقسیم کنید.", "method": "machine", "reviewed": True}
    assert list(statement) == ["text", "method", "reviewed"]


def test_translations_round_trip_byte_for_byte():
    import_record(DEMO.read_bytes())
    first = exported()
    for model in [FeaturedQuote, Report, Statement, Debate, Position, Topic, Participant]:
        model.objects.all().delete()
    Programme.objects.all().delete()
    import_record(first.encode())
    assert exported() == first
    # Written as UTF-8 text that people can read, not \u escapes.
    assert "روسیه" in first


def test_a_human_unreviewed_translation_is_written_with_its_text_only():
    data = minimal(statement={"ps": {"text": "اوبه ووېشئ.", "method": "human", "reviewed": False}})
    import_record(json.dumps(data))
    statement = json.loads(exported())["debates"][0]["statements"][0]
    assert statement["translations"] == {"ps": {"text": "اوبه ووېشئ."}}


def test_importing_the_same_translations_again_changes_nothing():
    data = minimal(topic={"fa": {"title": "آب"}}, statement={"fa": {"text": "آب"}})
    import_record(json.dumps(data))
    summary = import_record(json.dumps(data))
    assert not any(summary.updated.values()) and not any(summary.created.values())


@pytest.mark.parametrize(
    ("translations", "error"),
    [
        ({"topic": {"de": {"title": "Wasser"}}}, "topics[0].translations.de: unknown language"),
        ({"topic": {"fa": {"headline": "آب"}}}, "topics[0].translations.fa.headline: unknown key"),
        ({"topic": {"fa": "آب"}}, "topics[0].translations.fa: expected an object"),
        (
            {"statement": {"fa": {"text": "آب", "method": "guess"}}},
            "debates[0].statements[0].translations.fa.method: must be one of",
        ),
        (
            {"statement": {"ps": {"text": "اوبه", "reviewed": "yes"}}},
            "debates[0].statements[0].translations.ps.reviewed: expected true or false",
        ),
    ],
)
def test_a_wrong_translation_is_an_error_with_its_place(translations, error):
    with pytest.raises(RecordError) as raised:
        import_record(json.dumps(minimal(**translations)))
    assert any(message.startswith(error) for message in raised.value.errors), raised.value.errors
    assert not Topic.objects.exists()
