"""The public label of a speaker, exactly as the record format describes it."""

import pytest

from debates.attribution import public_profile, public_speaker
from debates.models import Participant

pytestmark = pytest.mark.django_db


@pytest.fixture
def kabul_debate(make):
    return make.debate(province="AF-KAB")


def test_a_named_participant_shows_name_and_role(make, kabul_debate):
    doorman = make.participant(
        name="Qazi Matiullah Doorman",
        role="civil society activist",
        organisation="Kunduz Civil Society Network",
        attribution="named",
    )
    speaker = public_speaker(doorman, kabul_debate)
    assert speaker.label == "Qazi Matiullah Doorman, civil society activist"
    assert speaker.is_named
    assert speaker.slug == doorman.slug


def test_a_named_participant_without_role_shows_the_name_alone(make, kabul_debate):
    zergul = make.participant(name="Zergul", role="", attribution="named")
    assert public_speaker(zergul, kabul_debate).label == "Zergul"


def test_a_role_participant_shows_role_and_province_never_the_name(make, kabul_debate):
    natiqi = make.participant(
        name="Abdul Hameed Natiqi",
        role="provincial council member",
        organisation="Ghor Provincial Council",
        province="AF-GHO",
        attribution="role",
    )
    speaker = public_speaker(natiqi, kabul_debate)
    assert speaker.label == "a provincial council member in Ghor"
    assert not speaker.is_named
    assert speaker.url is None
    assert "Natiqi" not in repr(speaker)
    assert "Provincial Council" not in repr(speaker)


def test_a_role_participant_without_province_is_placed_at_the_debate(make, kabul_debate):
    analyst = make.participant(name="Secret", role="analyst", attribution="role")
    assert public_speaker(analyst, kabul_debate).label == "an analyst in Kabul"


def test_a_role_participant_without_role_is_a_participant(make, kabul_debate):
    person = make.participant(name="Secret", role="", attribution="role")
    assert public_speaker(person, kabul_debate).label == "a participant in Kabul"


def test_an_anonymous_participant_is_only_one_speaker_at_the_debate(make, kabul_debate):
    person = make.participant(
        name="Name on file", role="teacher", organisation="Org", attribution="anonymous"
    )
    speaker = public_speaker(person, kabul_debate)
    assert speaker.label == "one speaker in the Kabul debate"
    assert speaker.url is None
    assert speaker.role == ""


@pytest.mark.parametrize("unset", ["", "unknown"])
def test_a_participant_whose_attribution_nobody_chose_is_anonymous(make, kabul_debate, unset):
    person = make.participant(name="Name on file", role="teacher", attribution="named")
    Participant.objects.filter(pk=person.pk).update(attribution=unset)
    person.refresh_from_db()
    assert public_speaker(person, kabul_debate).label == "one speaker in the Kabul debate"


def test_new_participants_are_anonymous_until_someone_chooses(make):
    assert Participant(name="New").attribution == "anonymous"


def test_an_unidentified_speaker_is_labelled_so(kabul_debate):
    assert public_speaker(None, kabul_debate).label == "an unidentified speaker"


def test_statements_and_participants_ask_the_same_rule(make, kabul_debate):
    person = make.participant(role="teacher", attribution="role", province="AF-KAB")
    statement = make.statement(kabul_debate, speaker=person)
    assert statement.public_speaker.label == "a teacher in Kabul"
    assert person.public_label(kabul_debate) == "a teacher in Kabul"
    assert person.get_absolute_url() is None


@pytest.mark.parametrize("withheld", ["role", "anonymous", ""])
def test_only_a_named_participant_has_a_public_profile(make, withheld):
    named = make.participant(
        name="Qazi Matiullah Doorman", organisation="Kunduz Network", attribution="named"
    )
    assert public_profile(named).organisation == "Kunduz Network"
    assert public_profile(make.participant(attribution=withheld)) is None
    assert public_profile(None) is None
