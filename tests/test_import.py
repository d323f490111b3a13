"""Importing debate record files: the seed, upserts, and every class of bad input."""

import copy
import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from debates.models import Debate, Participant, Position, Programme, Statement, Topic
from record import RecordError
from record.exporter import export_record
from record.importer import import_record
from reports.models import FeaturedQuote, Report

pytestmark = pytest.mark.django_db

SEED = Path(__file__).resolve().parent.parent / "demo" / "afghans-reject-russian-alliance.json"
MODELS = [Programme, Topic, Position, Participant, Debate, Statement, Report, FeaturedQuote]


@pytest.fixture
def seed():
    """The seed file as a dict, to change before importing."""
    return json.loads(SEED.read_text(encoding="utf-8"))


def load(data):
    return import_record(json.dumps(data))


def snapshot():
    """Everything an import could change: the row counts and the full export."""
    out = io.StringIO()
    export_record(out)
    return {model.__name__: model.objects.count() for model in MODELS}, out.getvalue()


def rejected(data, *, text=None):
    """The errors of importing ``data``, after checking that nothing changed."""
    before = snapshot()
    with pytest.raises(RecordError) as raised:
        import_record(text if text is not None else json.dumps(data))
    assert snapshot() == before
    return raised.value.errors


@pytest.fixture
def imported(seed):
    """The seed, imported: bad files must leave it exactly as it is."""
    load(seed)
    return seed


# The seed and upserts ----------------------------------------------------------------


def test_the_seed_imports_three_published_debates_and_the_report_with_three_quotes(seed):
    summary = load(seed)
    assert summary.created["debates"] == 3
    assert Debate.objects.published().count() == 3
    assert Statement.objects.count() == 9
    report = Report.objects.get()
    assert report.is_published
    assert sorted(report.debates.values_list("slug", flat=True)) == [
        "ghor-russia-taleban",
        "kabul-russia-taleban",
        "kunduz-russia-taleban",
    ]
    assert list(report.quotes.values_list("statement__key", flat=True)) == [
        "doorman-mujahedeen",
        "natiqi-dangerous",
        "hashimi-beneficial",
    ]
    kunduz = Debate.objects.get(slug="kunduz-russia-taleban")
    assert kunduz.held_on_precision == "month"
    assert list(kunduz.statements.values_list("key", flat=True))[:2] == [
        "nasratyar-threat",
        "nasratyar-never-deal",
    ]


def test_importing_the_same_file_twice_changes_nothing_the_second_time(seed):
    load(seed)
    ids = list(Statement.objects.order_by("id").values_list("id", "key"))
    stamps = [
        list(model.objects.order_by("id").values_list("updated_at", flat=True))
        for model in (Debate, Report)
    ]
    before = snapshot()

    summary = load(seed)

    assert summary.totals() == (0, 0, 0)
    assert str(summary) == "0 created, 0 updated, 0 deleted"
    assert snapshot() == before
    assert list(Statement.objects.order_by("id").values_list("id", "key")) == ids
    assert stamps == [
        list(model.objects.order_by("id").values_list("updated_at", flat=True))
        for model in (Debate, Report)
    ]


def test_a_second_import_of_the_seed_only_reads(seed, django_assert_num_queries):
    load(seed)
    # A savepoint and its release around one read per table: provinces, programmes,
    # topics, participants, reports, debates, positions, the statements reports feature,
    # statements of the file's debates, featured quotes and the report's debates; on
    # PostgreSQL, the lock one import at a time takes. No writes, no look-up by key (every
    # key is its own debate's), and no quotes of published reports: nothing changes.
    with django_assert_num_queries(13 + (connection.vendor == "postgresql")):
        load(seed)


def test_a_statement_without_a_speaker_is_by_an_unidentified_speaker(imported):
    imported["debates"][1]["statements"][0]["speaker"] = None
    load(imported)
    statement = Statement.objects.get(key="natiqi-dangerous")
    assert statement.speaker is None
    assert statement.public_speaker.label == "an unidentified speaker"


def test_a_changed_file_updates_only_what_changed(imported):
    changed = copy.deepcopy(imported)
    changed["debates"][1]["title"] = "Russia and the Taleban, seen from Ghor"
    changed["debates"][0]["statements"][2]["text"] = "Kabulov wants another proxy war."
    statement_ids = set(Statement.objects.values_list("id", flat=True))

    summary = load(changed)

    assert (summary.updated["debates"], summary.updated["statements"]) == (1, 1)
    assert summary.totals() == (0, 2, 0)
    assert Debate.objects.get(slug="ghor-russia-taleban").title.endswith("from Ghor")
    assert Statement.objects.get(key="doorman-proxy-war").text == "Kabulov wants another proxy war."
    assert set(Statement.objects.values_list("id", flat=True)) == statement_ids


def test_statements_a_newer_file_no_longer_lists_are_deleted(imported):
    changed = copy.deepcopy(imported)
    del changed["debates"][0]["statements"][0]
    summary = load(changed)
    assert summary.deleted["statements"] == 1
    assert not Statement.objects.filter(key="nasratyar-threat").exists()
    # The others keep their ids and follow the file's order.
    kunduz = Debate.objects.get(slug="kunduz-russia-taleban")
    assert list(kunduz.statements.values_list("key", "order"))[:2] == [
        ("nasratyar-never-deal", 0),
        ("doorman-proxy-war", 1),
    ]


def test_a_statement_a_report_features_cannot_be_dropped_by_a_file_without_the_report(imported):
    changed = copy.deepcopy(imported)
    del changed["reports"]
    del changed["debates"][0]["statements"][3]
    assert rejected(changed) == [
        "debates[0].statements: statement 'doorman-mujahedeen' is no longer listed, "
        "but report 'afghans-reject-russian-alliance-with-taleban' features it"
    ]


def test_a_report_in_the_same_file_may_stop_featuring_a_statement_that_goes(imported):
    changed = copy.deepcopy(imported)
    del changed["debates"][0]["statements"][3]
    changed["reports"][0]["quotes"].remove("doorman-mujahedeen")
    summary = load(changed)
    assert summary.deleted["statements"] == 1
    assert summary.updated["reports"] == 1
    assert list(Report.objects.get().quotes.values_list("statement__key", flat=True)) == [
        "natiqi-dangerous",
        "hashimi-beneficial",
    ]


def test_keyless_statements_are_matched_by_their_place_and_keep_their_ids(make):
    data = {
        "format": "debate-record/1",
        "debates": [
            {
                "slug": "herat",
                "title": "Herat",
                "province": "AF-HER",
                "held_on": "2016-02-03",
                "statements": [
                    {"kind": "paraphrase", "text": "First."},
                    {"key": "keyed", "kind": "quote", "text": "Keyed."},
                    {"kind": "paraphrase", "text": "Second."},
                ],
            }
        ],
    }
    load(data)
    ids = list(Statement.objects.order_by("order").values_list("id", flat=True))
    data["debates"][0]["statements"][2]["text"] = "Second, corrected."
    summary = load(data)
    assert summary.totals() == (0, 1, 0)
    assert list(Statement.objects.order_by("order").values_list("id", flat=True)) == ids
    assert Statement.objects.get(id=ids[2]).text == "Second, corrected."


def test_role_and_anonymous_participants_keep_their_attribution(seed):
    seed["participants"].append(
        {
            "slug": "ghor-council-member",
            "name": "Withheld Name",
            "role": "provincial council member",
            "province": "AF-GHO",
            "attribution": "role",
        }
    )
    seed["debates"][1]["statements"].append(
        {"speaker": "ghor-council-member", "kind": "paraphrase", "text": "It is dangerous."}
    )
    load(seed)
    role = Participant.objects.get(slug="ghor-council-member")
    anonymous = Participant.objects.get(slug="kabul-speaker-1")
    assert role.attribution == "role"
    assert anonymous.attribution == "anonymous"
    ghor = Debate.objects.get(slug="ghor-russia-taleban")
    assert role.public_label(ghor) == "a provincial council member in Ghor"
    kabul = Debate.objects.get(slug="kabul-russia-taleban")
    assert anonymous.public_label(kabul) == "one speaker in the Kabul debate"


def test_a_file_may_refer_to_a_topic_and_speaker_already_in_the_database(make):
    topic = make.topic(slug="elections", positions=["for-it"])
    make.participant(slug="zergul", name="Zergul")
    load(
        {
            "format": "debate-record/1",
            "debates": [
                {
                    "slug": "bamyan",
                    "title": "Elections",
                    "province": "AF-BAM",
                    "held_on": "2016-05-01",
                    "topic": "elections",
                    "statements": [
                        {"speaker": "zergul", "position": "for-it", "kind": "quote", "text": "Yes."}
                    ],
                }
            ],
        }
    )
    statement = Statement.objects.get()
    assert statement.position.topic == topic
    assert statement.speaker.name == "Zergul"


def test_positions_a_topic_no_longer_lists_are_deleted_when_unused(imported):
    changed = copy.deepcopy(imported)
    changed["topics"][0]["positions"].append(
        {"slug": "unused", "label": "Nobody takes this", "stance": "neutral"}
    )
    load(changed)
    summary = load(imported)
    assert summary.deleted["positions"] == 1
    assert not Position.objects.filter(slug="unused").exists()


def test_a_position_statements_outside_the_file_take_cannot_be_dropped(imported, make):
    other = make.debate(slug="elsewhere", topic=Topic.objects.get())
    make.statement(other, position=Position.objects.get(slug="proxy-war"))
    changed = copy.deepcopy(imported)
    del changed["topics"][0]["positions"][1]
    for debate in changed["debates"]:
        for statement in debate["statements"]:
            if statement.get("position") == "proxy-war":
                del statement["position"]
    assert rejected(changed) == [
        "topics[0].positions: position 'proxy-war' is no longer listed, "
        "but statements of debate 'elsewhere' take it"
    ]


def test_import_runs_the_same_number_of_queries_for_ten_times_the_rows(seed):
    del seed["reports"]
    load(seed)

    def queries(copies, prefix):
        data = copy.deepcopy(seed)
        data["debates"] = [
            dict(
                debate,
                slug=f"{prefix}-{n}-{debate['slug']}",
                statements=[
                    dict(statement, key=f"{prefix}-{n}-{statement['key']}")
                    for statement in debate["statements"]
                ],
            )
            for n in range(copies)
            for debate in seed["debates"]
        ]
        with CaptureQueriesContext(connection) as captured:
            load(data)
        return len(captured)

    assert queries(1, "one") == queries(10, "ten")


# The command --------------------------------------------------------------------------


def test_the_command_imports_a_file_and_prints_a_summary(capsys):
    call_command("import_debates", str(SEED))
    assert "3 created" in capsys.readouterr().out
    assert Debate.objects.count() == 3


def test_the_command_reads_standard_input(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(SEED.read_bytes())))
    call_command("import_debates", "-")
    assert Debate.objects.count() == 3


def test_the_command_lists_every_error_and_fails_without_a_traceback(tmp_path, seed, capsys):
    seed["debates"][2]["statements"][1]["speaker"] = "x"
    seed["debates"][0]["province"] = "AF-XXX"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(seed))
    with pytest.raises(CommandError, match=r"bad\.json: 2 errors; nothing was imported"):
        call_command("import_debates", str(path))
    err = capsys.readouterr().err.splitlines()
    assert "debates[2].statements[1].speaker: no participant 'x'" in err
    assert "debates[0].province: no province 'AF-XXX'" in err
    assert Debate.objects.count() == 0


def test_the_command_names_a_file_it_cannot_read(tmp_path):
    with pytest.raises(CommandError, match=r"missing\.json: No such file"):
        call_command("import_debates", str(tmp_path / "missing.json"))


# Every class of bad input: the message, its place, and nothing written ------------------


def test_a_file_that_is_not_json_is_refused_with_line_and_column(imported):
    assert rejected(None, text='{\n  "format": "debate-record/1",\n}') == [
        "line 3, column 1: not JSON (Expecting property name enclosed in double quotes)"
    ]


def test_a_file_that_is_not_utf_8_is_refused_with_the_byte(imported):
    assert rejected(None, text=b'{"format": "debate-record/1", "x": "\xff"}') == [
        "byte 36: not UTF-8 text"
    ]


def test_a_file_whose_top_level_is_not_an_object_is_refused(imported):
    assert rejected([]) == ["(top level): expected an object, got a list"]


def test_a_file_of_another_format_is_refused(imported):
    imported["format"] = "debate-record/2"
    assert rejected(imported) == ["format: expected 'debate-record/1', got 'debate-record/2'"]


def test_a_file_without_a_format_is_refused(imported):
    del imported["format"]
    assert rejected(imported) == ["format: required: 'debate-record/1'"]


def test_unknown_keys_are_refused_at_any_depth(imported):
    imported["debates"][1]["statements"][0]["speeker"] = "abdul-hameed-natiqi"
    imported["extra"] = []
    assert rejected(imported) == [
        "extra: unknown key",
        "debates[1].statements[0].speeker: unknown key",
    ]


def test_missing_required_keys_are_refused(imported):
    del imported["participants"][3]["attribution"]
    del imported["debates"][2]["statements"][0]["text"]
    assert rejected(imported) == [
        "participants[3].attribution: required",
        "debates[2].statements[0].text: required",
    ]


def test_values_of_the_wrong_type_are_refused(imported):
    imported["debates"][0]["attendance"] = {"total": "forty"}
    imported["topics"][0]["positions"] = {"slug": "x"}
    assert rejected(imported) == [
        "topics[0].positions: expected a list, got an object",
        "debates[0].attendance.total: expected a whole number, got text",
    ]


def test_bad_slugs_are_refused(imported):
    imported["programmes"][0]["slug"] = "Afghan Reconciliation"
    assert rejected(imported) == [
        "programmes[0].slug: Use 1 to 100 lowercase letters, digits and hyphens. "
        "Got 'Afghan Reconciliation'."
    ]


def test_bad_dates_are_refused(imported):
    imported["debates"][1]["held_on"] = "2015-12-32"
    imported["reports"][0]["published_on"] = "1 January 2016"
    assert rejected(imported) == [
        "debates[1].held_on: expected a date as YYYY-MM-DD, got '2015-12-32'",
        "reports[0].published_on: expected a date as YYYY-MM-DD, got '1 January 2016'",
    ]


def test_unknown_province_codes_are_refused(imported):
    imported["participants"][0]["province"] = "AF-KDX"
    assert rejected(imported) == ["participants[0].province: no province 'AF-KDX'"]


def test_references_to_missing_slugs_are_refused(imported):
    imported["debates"][2]["statements"][1]["speaker"] = "x"
    imported["debates"][1]["topic"] = "no-such-topic"
    imported["debates"][0]["moderator"] = "nobody"
    assert rejected(imported) == [
        "debates[0].moderator: no participant 'nobody'",
        "debates[1].topic: no topic 'no-such-topic'",
        "debates[2].statements[1].speaker: no participant 'x'",
    ]


def test_a_report_naming_a_missing_debate_or_statement_key_is_refused(imported):
    imported["reports"][0]["debates"].append("herat-debate")
    imported["reports"][0]["quotes"][1] = "no-such-quote"
    assert rejected(imported) == [
        "reports[0].debates[3]: no debate 'herat-debate'",
        "reports[0].quotes[1]: no statement with key 'no-such-quote'",
    ]


def test_a_report_quoting_a_debate_it_is_not_based_on_is_refused(imported):
    imported["reports"][0]["debates"].remove("ghor-russia-taleban")
    errors = rejected(imported)
    assert len(errors) == 1
    assert errors[0].startswith("reports[0].quotes[1]: “When Russia provides")
    assert "which this report is not based on" in errors[0]


def test_a_published_report_quoting_a_draft_debate_is_refused(imported):
    imported["debates"][2]["status"] = "draft"
    errors = rejected(imported)
    assert len(errors) == 1
    assert errors[0].startswith("reports[0].quotes[2]: “A confrontation")
    assert "a published report can only quote published debates" in errors[0]


def test_a_position_not_of_the_debates_topic_is_refused(imported, make):
    make.topic(slug="elections", positions=["for-it"])
    imported["debates"][0]["statements"][0]["position"] = "for-it"
    assert rejected(imported) == [
        "debates[0].statements[0].position: no position 'for-it' in topic 'russia-taleban-alliance'"
    ]


def test_a_position_in_a_debate_without_a_topic_is_refused(imported):
    del imported["debates"][1]["topic"]
    assert rejected(imported) == [
        "debates[1].statements[0].position: "
        "the debate has no topic, so it has no position 'threat-to-region'"
    ]


def test_more_women_than_the_attendance_is_refused(imported):
    imported["debates"][0]["attendance"] = {"total": 40, "women": 41}
    assert rejected(imported) == [
        "debates[0].attendance.women: Women attending cannot exceed the attendance."
    ]


def test_duplicate_slugs_in_the_file_are_refused(imported):
    imported["participants"].append(dict(imported["participants"][0], name="Someone else"))
    imported["topics"][0]["positions"].append(imported["topics"][0]["positions"][0])
    # Errors come in the file's order: lists in the format's order, objects in theirs.
    assert rejected(imported) == [
        "topics[0].positions[4].slug: duplicate slug 'threat-to-region' "
        "(also topics[0].positions[0])",
        "participants[6].slug: duplicate slug 'khosh-mohammad-nasratyar' (also participants[0])",
    ]


def test_duplicate_statement_keys_in_the_file_are_refused(imported):
    imported["debates"][1]["statements"][0]["key"] = "nafiz-worse"
    assert rejected(imported) == [
        "debates[1].statements[0].key: duplicate key 'nafiz-worse' (also debates[0].statements[5])",
        "reports[0].quotes[1]: no statement with key 'natiqi-dangerous'",
    ]


def test_a_key_another_debate_in_the_database_uses_is_refused(imported, make):
    make.statement(make.debate(slug="elsewhere"), key="taken")
    imported["debates"][1]["statements"][0]["key"] = "taken"
    imported["reports"][0]["quotes"].remove("natiqi-dangerous")
    assert rejected(imported) == [
        "debates[1].statements[0].key: 'taken' is the key of a statement of debate 'elsewhere'"
    ]


def test_a_programme_ending_before_it_starts_is_refused(imported):
    imported["programmes"][0].update(started_on="2016-01-01", ended_on="2015-01-01")
    assert rejected(imported) == [
        "programmes[0].ended_on: A programme cannot end before it starts."
    ]


def test_text_longer_than_its_field_is_refused(imported):
    imported["debates"][0]["title"] = "x" * 301
    assert rejected(imported) == [
        "debates[0].title: Ensure this value has at most 300 characters (it has 301)."
    ]


def test_a_count_too_large_for_the_database_is_refused(imported):
    imported["debates"][0]["attendance"] = {"total": 2**63}
    [error] = rejected(imported)
    # The limit is the database's: 2**31 - 1 on PostgreSQL, 2**63 - 1 on SQLite.
    assert error.startswith(
        "debates[0].attendance.total: Ensure this value is less than or equal to "
    )


def test_malformed_lists_do_not_cause_false_errors_about_what_they_would_hold(imported):
    imported["topics"][0]["positions"] = "threat-to-region"
    imported["debates"][0]["statements"] = {"key": "nasratyar-threat"}
    assert rejected(imported) == [
        "topics[0].positions: expected a list, got text",
        "debates[0].statements: expected a list, got an object",
    ]


def test_a_statement_moves_to_another_debate_of_the_file_and_keeps_its_id(imported):
    moving = Statement.objects.get(key="nafiz-worse")
    statement = imported["debates"][0]["statements"].pop(5)
    imported["debates"][1]["statements"].append(statement)
    summary = load(imported)
    assert summary.totals() == (0, 1, 0)
    moving.refresh_from_db()
    assert moving.debate.slug == "ghor-russia-taleban"
    assert moving.order == 1


def test_a_statement_a_report_outside_the_file_features_cannot_move(imported):
    del imported["reports"]
    statement = imported["debates"][2]["statements"].pop(1)
    imported["debates"][1]["statements"].append(statement)
    assert rejected(imported) == [
        "debates[1].statements[1].key: statement 'hashimi-beneficial' moves to this debate, "
        "but report 'afghans-reject-russian-alliance-with-taleban' features it"
    ]
