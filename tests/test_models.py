import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from debates.models import Debate, Participant, Province, Statement

pytestmark = pytest.mark.django_db


def test_all_34_provinces_of_afghanistan_exist_with_their_codes():
    assert Province.objects.count() == 34
    codes = dict(Province.objects.values_list("code", "name"))
    assert codes["AF-KDZ"] == "Kunduz"
    assert codes["AF-GHO"] == "Ghor"
    assert codes["AF-KAB"] == "Kabul"
    assert codes["AF-DAY"] == "Daykundi"
    assert codes["AF-URU"] == "Uruzgan"
    assert Province.objects.get(code="AF-KAB").name_fa == "کابل"


def test_every_province_has_its_dari_and_pashto_name():
    assert not Province.objects.filter(name_fa="").exists()
    assert not Province.objects.filter(name_ps="").exists()
    # Pashto spells with its own letters where Dari does not.
    assert Province.objects.get(code="AF-NAN").name_ps == "ننګرهار"
    assert Province.objects.get(code="AF-NAN").name_fa == "ننگرهار"


def test_women_attending_cannot_exceed_attendance_in_the_database(make):
    debate = make.debate(attendance_total=10, attendance_women=10)
    debate.attendance_women = 11
    with pytest.raises(IntegrityError), transaction.atomic():
        debate.save()


def test_women_attending_cannot_exceed_attendance_in_validation(make):
    debate = make.debate()
    debate.attendance_total, debate.attendance_women = 5, 6
    with pytest.raises(ValidationError) as error:
        debate.full_clean()
    assert error.value.message_dict == {
        "attendance_women": ["Women attending cannot exceed the attendance."]
    }


def test_attendance_may_be_partly_known(make):
    debate = make.debate(attendance_women=12)
    debate.full_clean()
    assert debate.women_share is None
    debate.attendance_total = 48
    assert debate.women_share == 25


def test_a_statement_must_take_a_position_of_its_debates_topic(make):
    debate = make.debate()
    other_topic = make.topic(positions=["elsewhere"])
    statement = Statement(
        debate=debate, kind="quote", text="Words.", position=other_topic.positions.get()
    )
    with pytest.raises(ValidationError) as error:
        statement.full_clean()
    [message] = error.value.message_dict["position"]
    assert "another topic" in message
    assert debate.topic.title in message


def test_a_statement_of_a_debate_without_topic_takes_no_position(make):
    debate = make.debate(topic=None)
    position = make.topic().positions.first()
    statement = Statement(debate=debate, kind="quote", text="Words.", position=position)
    with pytest.raises(ValidationError) as error:
        statement.full_clean()
    assert "has no topic" in error.value.message_dict["position"][0]


def test_statement_keys_are_unique_across_all_debates(make):
    make.statement(make.debate(), key="shared-key")
    with pytest.raises(IntegrityError), transaction.atomic():
        make.statement(make.debate(), key="shared-key")


def test_many_statements_may_have_no_key(make):
    debate = make.debate()
    make.statement(debate)
    make.statement(debate, key=None)
    make.statement(debate)
    assert debate.statements.filter(key__isnull=True).count() == 3


def test_a_statement_without_order_goes_last(make):
    debate = make.debate()
    first = make.statement(debate)
    second = make.statement(debate)
    third = make.statement(debate, order=10)
    fourth = make.statement(debate)
    assert [first.order, second.order, third.order, fourth.order] == [0, 1, 10, 11]
    assert list(debate.statements.all()) == [first, second, third, fourth]


def test_original_text_needs_its_language(make):
    statement = Statement(debate=make.debate(), kind="quote", text="Peace.", original_text="صلح")
    with pytest.raises(ValidationError) as error:
        statement.full_clean()
    assert "original_language" in error.value.message_dict


@pytest.mark.parametrize(
    ("language", "direction"), [("fa-AF", "rtl"), ("ps", "rtl"), ("en", "ltr"), ("uz", "ltr")]
)
def test_original_text_direction_follows_its_language(make, language, direction):
    statement = Statement(original_text="…", original_language=language)
    assert statement.original_dir == direction


def test_slugs_must_be_lowercase_ascii(make):
    participant = Participant(name="X", slug="Not_A_Slug", attribution="named")
    with pytest.raises(ValidationError) as error:
        participant.full_clean()
    assert "slug" in error.value.message_dict


def test_positions_slugs_are_unique_within_a_topic_only(make):
    first = make.topic(positions=["yes"])
    second = make.topic(positions=["yes"])
    assert first.positions.get().slug == second.positions.get().slug
    with pytest.raises(IntegrityError), transaction.atomic():
        first.positions.create(slug="yes", label="Again", stance="for")


def test_a_programme_cannot_end_before_it_starts(make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make.programme(started_on=datetime.date(2016, 1, 1), ended_on=datetime.date(2015, 1, 1))


def test_month_precision_dates_show_only_the_month(make):
    debate = make.debate(held_on=datetime.date(2015, 12, 1), held_on_precision="month")
    assert debate.held_on_display == "December 2015"
    debate.held_on_precision = "day"
    assert debate.held_on_display == "1 December 2015"


def test_published_debates_exclude_drafts(make):
    published = make.debate(status="published")
    make.debate(status="draft")
    assert list(Debate.objects.published()) == [published]


def test_debates_filter_by_province_topic_programme_and_dates(make):
    programme = make.programme()
    kunduz = make.debate(province="AF-KDZ", held_on=datetime.date(2015, 12, 1))
    ghor = make.debate(province="AF-GHO", programme=programme, held_on=datetime.date(2016, 3, 1))
    assert list(Debate.objects.in_province(make.province("AF-GHO"))) == [ghor]
    assert list(Debate.objects.on_topic(kunduz.topic)) == [kunduz]
    assert list(Debate.objects.in_programme(programme)) == [ghor]
    assert list(Debate.objects.held_between(datetime.date(2016, 1, 1), None)) == [ghor]
    assert list(Debate.objects.held_between(None, datetime.date(2015, 12, 31))) == [kunduz]
    assert list(Debate.objects.newest_first()) == [ghor, kunduz]


def test_published_statements_are_those_of_published_debates(make):
    shown = make.statement(make.debate(status="published"))
    make.statement(make.debate(status="draft"))
    assert list(Statement.objects.published()) == [shown]


def test_participants_with_a_public_page_are_named_and_spoke_in_public(make):
    public = make.debate(status="published")
    draft = make.debate(status="draft")
    speaker = make.participant(attribution="named")
    moderator = make.participant(attribution="named")
    only_in_draft = make.participant(attribution="named")
    hidden = make.participant(attribution="role")
    make.statement(public, speaker=speaker)
    make.statement(public, speaker=hidden)
    make.statement(draft, speaker=only_in_draft)
    public.moderator = moderator
    public.save()
    assert set(Participant.objects.with_public_page()) == {speaker, moderator}


def test_provinces_with_published_debates_are_counted(make):
    make.debate(province="AF-KDZ")
    make.debate(province="AF-KDZ")
    make.debate(province="AF-GHO", status="draft")
    assert [(p.code, p.debate_count) for p in Province.objects.with_published_debates()] == [
        ("AF-KDZ", 2)
    ]
