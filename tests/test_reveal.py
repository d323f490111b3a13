"""Revealing a participant is controlled and recorded; protecting one is open to all staff.

Lowering protection (anonymous -> role -> named) needs the reveal permission (Editors),
a reason that lands in the history and, to name someone, their consent: alike in the
admin form, a revert from the history, an admin upload and the command line (which
needs an explicit flag). Raising protection needs only permission to change
participants and shows on the next request.
"""

import json

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from debates.history import command_line_actor
from debates.models import Consent, Participant
from record import RecordError
from record.exporter import export_record
from record.importer import import_record

pytestmark = pytest.mark.django_db

NAME = "Zarmina Revealtest"


@pytest.fixture
def staff(django_user_model):
    """A signed-in client for a new account in ``group``."""

    def login(group, username=None):
        user = django_user_model.objects.create_user(
            username or group.lower().replace(" ", "-"), password="pw-12345!", is_staff=True
        )
        user.groups.add(Group.objects.get(name=group))
        client = Client()
        client.force_login(user)
        return client

    return login


@pytest.fixture
def data_entry(staff):
    return staff("Data entry")


@pytest.fixture
def editor(staff):
    return staff("Editors")


@pytest.fixture
def speaker(make):
    """An anonymous speaker in a published debate."""
    participant = make.participant(
        name=NAME, slug="zarmina", role="teacher", province="AF-GHO", attribution="anonymous"
    )
    debate = make.debate(province="AF-GHO")
    make.statement(debate, speaker=participant, text="Schools must stay open.")
    return participant


def change_url(participant):
    return reverse("admin:debates_participant_change", args=[participant.pk])


def form(participant, **fields):
    data = {
        "name": participant.name,
        "slug": participant.slug,
        "attribution": participant.attribution,
        "role": participant.role,
        "organisation": participant.organisation,
        "province": participant.province_id or "",
        "gender": participant.gender,
    }
    return {**data, **fields}


CONSENT = {"consent_given_on": "2026-11-30", "consent_how": "phone", "consent_note": "Agreed."}


def errors_of(response):
    return response.context["adminform"].form.errors


def attribution_of(participant):
    return Participant.objects.get(pk=participant.pk).attribution


# The admin form ------------------------------------------------------------------------


def test_data_entry_cannot_reveal_a_participant_in_the_admin_form(data_entry, speaker):
    response = data_entry.post(
        change_url(speaker),
        form(speaker, attribution="named", reveal_reason="Asked", confirm_reveal="on", **CONSENT),
    )
    assert response.status_code == 200
    assert "permission to reveal participants" in errors_of(response)["attribution"][0]
    assert attribution_of(speaker) == "anonymous"
    assert not Consent.objects.exists()


def test_an_editor_must_give_a_reason_and_confirm_to_reveal(editor, speaker):
    response = editor.post(change_url(speaker), form(speaker, attribution="role"))
    assert response.status_code == 200
    assert "reveal_reason" in errors_of(response)
    response = editor.post(
        change_url(speaker), form(speaker, attribution="role", reveal_reason="She asked.")
    )
    assert "confirm_reveal" in errors_of(response)
    assert attribution_of(speaker) == "anonymous"


def test_an_editor_reveals_with_a_reason_which_lands_in_the_history(editor, speaker):
    response = editor.post(
        change_url(speaker),
        form(
            speaker,
            attribution="role",
            reveal_reason="She asked to be known as a teacher.",
            confirm_reveal="on",
        ),
    )
    assert response.status_code == 302
    assert attribution_of(speaker) == "role"
    latest = speaker.history.latest()
    assert latest.history_change_reason == "She asked to be known as a teacher."
    assert latest.actor == "editors"
    assert latest.prev_record.attribution == "anonymous"
    history_page = editor.get(reverse("admin:debates_participant_history", args=[speaker.pk]))
    assert "She asked to be known as a teacher." in history_page.content.decode()


def test_naming_someone_needs_their_consent_which_is_kept_with_who_recorded_it(editor, speaker):
    reveal = form(speaker, attribution="named", reveal_reason="On the record.", confirm_reveal=1)
    response = editor.post(change_url(speaker), reveal)
    assert "Naming this person needs their consent" in errors_of(response)["consent_given_on"][0]
    assert attribution_of(speaker) == "anonymous"

    response = editor.post(change_url(speaker), {**reveal, **CONSENT})
    assert response.status_code == 302
    assert attribution_of(speaker) == "named"
    consent = Consent.objects.get(participant=speaker)
    assert (str(consent.given_on), consent.how, consent.recorded_by) == (
        "2026-11-30",
        "phone",
        "editors",
    )
    assert speaker.history.latest().history_change_reason == "On the record."
    # The consent is staff-only: the public speaker page does not mention it.
    page = Client().get("/speakers/zarmina/").content.decode()
    assert NAME in page and "Agreed." not in page


def test_a_participant_entered_as_named_may_carry_a_consent(editor):
    response = editor.post(
        reverse("admin:debates_participant_add"),
        {"name": "Governor Official", "slug": "governor", "attribution": "named", **CONSENT},
    )
    assert response.status_code == 302
    assert Consent.objects.get().participant.slug == "governor"


def test_reverting_to_a_named_version_goes_through_the_same_rule(data_entry, editor, make):
    participant = make.participant(name=NAME, slug="zarmina", attribution="named")
    participant.attribution = "anonymous"
    participant.save()
    named_version = participant.history.earliest()
    revert_url = reverse(
        "admin:debates_participant_simple_history",
        args=[participant.pk, named_version.history_id],
    )
    response = data_entry.post(revert_url, form(named_version.instance))
    assert response.status_code == 200
    assert "permission to reveal participants" in errors_of(response)["attribution"][0]
    assert attribution_of(participant) == "anonymous"

    response = editor.post(
        revert_url,
        form(named_version.instance, reveal_reason="Restored.", confirm_reveal=1, **CONSENT),
    )
    assert response.status_code == 302
    assert attribution_of(participant) == "named"
    assert participant.history.latest().history_change_reason == "Restored."


def test_raising_protection_is_open_to_data_entry_and_hides_the_name_at_once(data_entry, make):
    named = make.participant(name=NAME, slug="zarmina", role="teacher", attribution="named")
    debate = make.debate()
    statement = make.statement(debate, speaker=named, text="Schools must stay open.")
    report = make.report(debates=[debate], quotes=[statement])
    public = Client()
    assert NAME in public.get(debate.get_absolute_url()).content.decode()

    response = data_entry.post(change_url(named), form(named, attribution="anonymous"))
    assert response.status_code == 302

    for url in [debate.get_absolute_url(), report.get_absolute_url(), "/feeds/debates/"]:
        assert NAME not in public.get(url).content.decode(), url
    assert public.get("/speakers/zarmina/").status_code == 404


# Import ------------------------------------------------------------------------------


def revealing_file(attribution="named", consent=True):
    participant = {"slug": "zarmina", "name": NAME, "attribution": attribution}
    participant.update(role="teacher", province="AF-GHO")
    if consent:
        participant["consent"] = {"given_on": "2026-11-30", "how": "in_person"}
    return json.dumps({"format": "debate-record/1", "participants": [participant]}).encode()


IMPORT_URL = reverse("admin:debates_debate_import")


def test_data_entry_cannot_reveal_by_an_admin_upload(data_entry, speaker):
    response = data_entry.post(
        IMPORT_URL,
        {"file": SimpleUploadedFile("f.json", revealing_file()), "reason": "Asked."},
    )
    assert response.context["errors"] == [
        "participants[0].attribution: Changing attribution from anonymous to named lets the "
        "public see more of this person; that needs permission to reveal participants."
    ]
    assert attribution_of(speaker) == "anonymous"


def test_an_editor_reveals_by_upload_with_a_reason_and_consent(editor, speaker):
    response = editor.post(IMPORT_URL, {"file": SimpleUploadedFile("f.json", revealing_file())})
    assert response.context["errors"] == [
        "participants[0].attribution: Give the reason for revealing more of this person; "
        "it is recorded."
    ]
    response = editor.post(
        IMPORT_URL,
        {"file": SimpleUploadedFile("f.json", revealing_file()), "reason": "Consent by mail."},
    )
    assert response.context["summary"].updated["participants"] == 1
    assert attribution_of(speaker) == "named"
    latest = speaker.history.latest()
    assert (latest.history_change_reason, latest.actor) == (
        "import of f.json: Consent by mail.",
        "editors",
    )
    assert latest.prev_record.attribution == "anonymous"
    assert Consent.objects.get(participant=speaker).recorded_by == "editors"


def test_a_file_that_names_someone_needs_their_consent(speaker):
    with pytest.raises(RecordError) as refused:
        import_record(revealing_file(consent=False), allow_reveal=True, reason="Why")
    assert refused.value.errors == [
        "participants[0].consent: Naming this person needs their consent: when they agreed "
        "and how (in person, by phone, in writing)."
    ]


def test_the_command_line_refuses_an_import_that_reveals_without_the_flag(
    tmp_path, speaker, capsys
):
    path = tmp_path / "reveal.json"
    path.write_bytes(revealing_file(attribution="role", consent=False))
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_debates", str(path))
    assert "participants[0].attribution: changes attribution from anonymous to role" in (
        capsys.readouterr().err
    )
    with pytest.raises(CommandError, match="--allow-reveal needs --reason"):
        call_command("import_debates", str(path), "--allow-reveal")
    assert attribution_of(speaker) == "anonymous"


def test_the_command_line_reveals_with_the_flag_and_a_reason_and_records_both(tmp_path, speaker):
    path = tmp_path / "reveal.json"
    path.write_bytes(revealing_file(attribution="role", consent=False))
    call_command("import_debates", str(path), "--allow-reveal", "--reason", "Board decision")
    assert attribution_of(speaker) == "role"
    latest = speaker.history.latest()
    assert latest.actor == command_line_actor()
    assert latest.history_change_reason == (
        f"import of {path.name}: import_debates --allow-reveal: Board decision"
    )


def test_a_consent_is_exported_and_importing_it_again_changes_nothing(speaker):
    import_record(revealing_file(), allow_reveal=True, reason="Agreed")
    exported = json.loads(_export())
    assert exported["participants"][0]["consent"] == {
        "given_on": "2026-11-30",
        "how": "in_person",
    }
    summary = import_record(json.dumps(exported))
    assert summary.totals() == (0, 0, 0)
    assert Consent.objects.count() == 1


def _export():
    import io

    out = io.StringIO()
    export_record(out)
    return out.getvalue()


def test_an_import_that_raises_protection_needs_no_flag(make):
    make.participant(name=NAME, slug="zarmina", attribution="named")
    import_record(revealing_file(attribution="anonymous", consent=False))
    assert Participant.objects.get(slug="zarmina").attribution == "anonymous"


# The emergency action ----------------------------------------------------------------


def test_every_participant_of_a_province_is_made_anonymous_in_one_action(data_entry, make):
    ghor = make.province("AF-GHO")
    named = make.participant(name=NAME, role="teacher", attribution="named")
    role = make.participant(name="Role Person", role="elder", attribution="role")
    elsewhere = make.participant(name="Kabul Speaker", attribution="named")
    debate = make.debate(province="AF-GHO", moderator=role)
    make.statement(debate, speaker=named)
    make.statement(make.debate(province="AF-KAB"), speaker=elsewhere)
    public = Client()
    assert NAME in public.get(debate.get_absolute_url()).content.decode()

    url = reverse("admin:debates_province_changelist")
    chosen = {"action": "make_participants_anonymous", "_selected_action": [ghor.pk]}
    confirm = data_entry.post(url, {**chosen, "index": 0})
    assert confirm.status_code == 200
    assert "2 of them are named or role" in confirm.content.decode()
    assert attribution_of(named) == "named"

    done = data_entry.post(url, {**chosen, "confirm": "1", "reason": "Province fell."})
    assert done.status_code == 302
    assert attribution_of(named) == attribution_of(role) == "anonymous"
    assert attribution_of(elsewhere) == "named"
    for participant in (named, role):
        latest = participant.history.latest()
        assert (latest.history_change_reason, latest.actor) == ("Province fell.", "data-entry")
        assert latest.prev_record.attribution in {"named", "role"}
    page = public.get(debate.get_absolute_url()).content.decode()
    assert NAME not in page and "elder" not in page


def test_the_emergency_action_on_debates_and_programmes(editor, make):
    programme = make.programme()
    in_programme = make.participant(attribution="named")
    make.statement(make.debate(programme=programme), speaker=in_programme)
    chosen_debate = make.debate()
    in_debate = make.participant(attribution="role")
    make.statement(chosen_debate, speaker=in_debate)
    untouched = make.participant(attribution="named")
    make.statement(make.debate(), speaker=untouched)

    for model, obj in [("programme", programme), ("debate", chosen_debate)]:
        response = editor.post(
            reverse(f"admin:debates_{model}_changelist"),
            {
                "action": "make_participants_anonymous",
                "_selected_action": [obj.pk],
                "confirm": "1",
                "reason": "Threat received.",
            },
        )
        assert response.status_code == 302
    assert attribution_of(in_programme) == attribution_of(in_debate) == "anonymous"
    assert attribution_of(untouched) == "named"


def test_the_emergency_action_asks_for_a_reason(editor, make):
    participant = make.participant(attribution="named")
    debate = make.debate()
    make.statement(debate, speaker=participant)
    response = editor.post(
        reverse("admin:debates_debate_changelist"),
        {"action": "make_participants_anonymous", "_selected_action": [debate.pk], "confirm": 1},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    assert attribution_of(participant) == "named"


# Item 6: a label that identifies -------------------------------------------------------


def test_a_role_label_only_one_published_participant_has_is_warned_about(editor, make):
    councillor = make.participant(
        role="provincial council member", province="AF-GHO", attribution="role"
    )
    make.statement(make.debate(), speaker=councillor)
    page = editor.get(change_url(councillor)).content.decode()
    assert "a provincial council member in Ghor" in page
    assert "1 published participant has this label" in page
    assert "may identify the person" in page

    other = make.participant(
        role="provincial council member", province="AF-GHO", attribution="role"
    )
    make.statement(make.debate(), speaker=other)
    page = editor.get(change_url(councillor)).content.decode()
    assert "2 published participants have this label" in page
    assert "may identify the person" not in page


def test_a_role_label_is_counted_with_the_debate_province_when_the_participant_has_none(
    editor, make
):
    teacher = make.participant(role="teacher", attribution="role")
    make.statement(make.debate(province="AF-KDZ"), speaker=teacher)
    # Same role, another province's debate: another label.
    other = make.participant(role="teacher", attribution="role")
    make.statement(make.debate(province="AF-KAB"), speaker=other)
    page = editor.get(change_url(teacher)).content.decode()
    assert "a teacher in Kunduz" in page
    assert "may identify the person" in page


def test_chosen_participants_can_be_made_anonymous_from_their_list(data_entry, make):
    chosen = make.participant(attribution="named")
    other = make.participant(attribution="named")
    response = data_entry.post(
        reverse("admin:debates_participant_changelist"),
        {
            "action": "make_participants_anonymous",
            "_selected_action": [chosen.pk],
            "confirm": "1",
            "reason": "She asked.",
        },
    )
    assert response.status_code == 302
    assert attribution_of(chosen) == "anonymous"
    assert attribution_of(other) == "named"
    assert chosen.history.latest().history_change_reason == "She asked."
