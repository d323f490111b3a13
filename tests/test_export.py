"""Exporting the debate record format: deterministic, round-trippable, warns of names."""

import datetime
import io
import json
import tracemalloc
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from debates.models import Debate, Participant, Position, Programme, Statement, Topic
from record import exporter
from record.exporter import export_record
from record.importer import import_record
from reports.models import FeaturedQuote, Report

pytestmark = pytest.mark.django_db

SEED = Path(__file__).resolve().parent.parent / "demo" / "afghans-reject-russian-alliance.json"


def export(debate_slugs=None):
    out = io.StringIO()
    export_record(out, debate_slugs)
    return out.getvalue()


def empty_database():
    for model in [FeaturedQuote, Report, Statement, Debate, Position, Topic, Participant]:
        model.objects.all().delete()
    Programme.objects.all().delete()


@pytest.fixture
def varied(make):
    """A little of everything the format can hold, entered as staff would."""
    programme = make.programme(
        slug="civic-voices",
        name="Civic Voices",
        started_on=datetime.date(2015, 1, 1),
        ended_on=datetime.date(2016, 12, 31),
    )
    topic = make.topic(slug="water", positions=["share-it", "against-dams"])
    make.topic(slug="no-positions", positions=())
    moderator = make.participant(slug="moderator", name="Moderator", province="AF-HER")
    role = make.participant(
        slug="council-member",
        name="Secret Name",
        role="provincial council member",
        organisation="Council",
        province="AF-GHO",
        gender="female",
        attribution="role",
    )
    anonymous = make.participant(slug="someone", name="Hidden", attribution="anonymous")
    debate = make.debate(
        slug="herat-water",
        title="Water in Herat",
        programme=programme,
        topic=topic,
        province="AF-HER",
        district="Injil",
        venue="Youth centre",
        moderator=moderator,
        attendance_total=60,
        attendance_women=25,
        summary="Who gets the river's water.",
        held_on_precision="month",
    )
    keyless = make.statement(debate, speaker=role, position="share-it", kind="paraphrase")
    make.statement(
        debate,
        speaker=anonymous,
        text="Dams take our water.",
        original_text="بندها آب ما را می‌گیرند",
        original_language="fa-AF",
        key="dams",
    )
    make.statement(debate, text="Nobody knows who said this.")
    draft = make.debate(slug="draft-debate", status="draft", topic=topic)
    make.statement(draft, key="draft-words")
    make.report(slug="water-report", debates=[debate], quotes=[keyless], programme=programme)
    make.report(slug="empty-draft", status="draft", published_on=None, debates=[])
    return debate


def test_export_then_import_into_an_empty_database_then_export_gives_the_same_bytes(varied):
    first = export()
    empty_database()
    import_record(first)
    assert export() == first


def test_the_seed_survives_import_export_import_export_byte_for_byte():
    import_record(SEED.read_bytes())
    first = export()
    empty_database()
    import_record(first)
    assert export() == first
    # The same content as the seed; only the order of objects is the exporter's.
    seed = json.loads(SEED.read_text(encoding="utf-8"))
    exported = json.loads(first)
    for name in ["programmes", "topics", "participants", "debates"]:
        assert sorted(exported[name], key=lambda o: o["slug"]) == sorted(
            seed[name], key=lambda o: o["slug"]
        )
    assert exported["reports"][0]["quotes"] == seed["reports"][0]["quotes"]


def test_export_writes_keys_in_the_schemas_order_and_leaves_out_empty_ones(varied):
    data = json.loads(export())
    assert list(data) == ["format", "programmes", "topics", "participants", "debates", "reports"]
    herat = next(d for d in data["debates"] if d["slug"] == "herat-water")
    assert list(herat) == [
        "slug",
        "title",
        "province",
        "held_on",
        "held_on_precision",
        "programme",
        "topic",
        "district",
        "venue",
        "moderator",
        "attendance",
        "summary",
        "status",
        "statements",
    ]
    assert herat["attendance"] == {"total": 60, "women": 25}
    assert herat["statements"][2] == {"kind": "quote", "text": "Nobody knows who said this."}
    assert next(t for t in data["topics"] if t["slug"] == "no-positions").get("positions") is None


def test_export_is_indented_json_with_unescaped_text_and_a_final_newline(varied):
    text = export()
    assert text.endswith("}\n")
    assert "بندها آب ما را می‌گیرند" in text
    assert text == json.dumps(json.loads(text), indent=2, ensure_ascii=False) + "\n"


def test_a_featured_statement_without_a_key_is_given_one_so_the_report_can_name_it(varied):
    keyless = Statement.objects.get(featured_in__isnull=False)
    data = json.loads(export())
    herat = next(d for d in data["debates"] if d["slug"] == "herat-water")
    assert herat["statements"][0]["key"] == f"statement-{keyless.pk}"
    report = next(r for r in data["reports"] if r["slug"] == "water-report")
    assert report["quotes"] == [f"statement-{keyless.pk}"]


def test_an_empty_database_exports_just_the_format():
    empty_database()
    assert export() == '{\n  "format": "debate-record/1"\n}\n'


def test_chosen_debates_come_with_what_they_reference_and_only_their_own_reports(varied, make):
    make.debate(slug="unrelated")
    make.report(slug="mixed-report", debates=[varied, Debate.objects.get(slug="unrelated")])
    data = json.loads(export(["herat-water"]))
    assert [d["slug"] for d in data["debates"]] == ["herat-water"]
    assert [p["slug"] for p in data["programmes"]] == ["civic-voices"]
    assert [t["slug"] for t in data["topics"]] == ["water"]
    assert [p["slug"] for p in data["participants"]] == ["council-member", "moderator", "someone"]
    assert [r["slug"] for r in data["reports"]] == ["water-report"]


def test_exporting_a_chosen_debate_imports_into_an_empty_database(varied):
    first = export(["herat-water"])
    empty_database()
    import_record(first)
    assert export() == first


def test_export_runs_the_same_number_of_queries_however_many_statements(varied, make):
    with CaptureQueriesContext(connection) as few:
        export()
    for n in range(20):
        make.statement(make.debate(slug=f"more-{n}", topic=varied.topic), key=f"more-{n}")
    with CaptureQueriesContext(connection) as many:
        export()
    assert len(many) == len(few)


def test_the_command_writes_to_standard_output_and_warns_of_withheld_names(varied, capsys):
    call_command("export_debates")
    captured = capsys.readouterr()
    assert json.loads(captured.out)["format"] == "debate-record/1"
    assert "Secret Name" in captured.out
    assert "holds the names of 2 participants whose names are withheld" in captured.err


def test_the_command_writes_a_file_and_can_choose_debates(varied, tmp_path, capsys):
    path = tmp_path / "out.json"
    call_command("export_debates", str(path), "--debate", "draft-debate")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert [d["slug"] for d in data["debates"]] == ["draft-debate"]
    assert "withheld" not in capsys.readouterr().err


def test_the_command_refuses_a_debate_that_does_not_exist(varied, tmp_path):
    path = tmp_path / "out.json"
    with pytest.raises(CommandError, match="No debate 'nowhere'; nothing exported"):
        call_command("export_debates", str(path), "--debate", "nowhere")
    assert not path.exists()


def test_objects_are_ordered_by_slug_byte_by_byte(make):
    for slug in ["a-b", "ab", "a0", "a-a"]:
        make.programme(slug=slug)
    data = json.loads(export())
    assert [p["slug"] for p in data["programmes"]] == ["a-a", "a-b", "a0", "ab"]


def test_reimporting_an_export_keeps_a_featured_keyless_statement_and_its_id(varied):
    keyless = Statement.objects.get(featured_in__isnull=False)
    first = export()
    summary = import_record(first)
    assert summary.totals() == (0, 1, 0)
    keyless.refresh_from_db()
    assert keyless.key == f"statement-{keyless.pk}"
    assert export() == first
    assert import_record(first).totals() == (0, 0, 0)


def test_an_attribution_nobody_chose_is_exported_as_anonymous(make):
    make.participant(slug="unsure", attribution="")
    [participant] = json.loads(export())["participants"]
    assert participant["attribution"] == "anonymous"


class Sink:
    """An output that keeps nothing of what is written to it."""

    written = 0

    def write(self, text):
        self.written += len(text)


def add_statements(make, count, per_debate=50):
    speaker = make.participant()
    for _ in range(count // per_debate):
        debate = make.debate()
        Statement.objects.bulk_create(
            Statement(
                debate=debate,
                order=order,
                speaker=speaker,
                kind="quote",
                text=f"Statement {order} of {debate.slug}. " + "Words said. " * 80,
            )
            for order in range(per_debate)
        )


def peak_memory_of_export():
    sink = Sink()
    tracemalloc.start()
    try:
        export_record(sink)
        return tracemalloc.get_traced_memory()[1], sink.written
    finally:
        tracemalloc.stop()


def test_exporting_twice_as_many_statements_does_not_need_twice_the_memory(make, monkeypatch):
    # Small chunks, so that data small enough for a test spans many of them.
    monkeypatch.setattr(exporter, "CHUNK", 100)
    add_statements(make, 2000)
    peak_memory_of_export()  # caches, compiled queries: not the data's
    small_peak, small_size = peak_memory_of_export()
    add_statements(make, 2000)
    large_peak, large_size = peak_memory_of_export()
    assert large_size > 1.95 * small_size
    assert large_peak < 1.25 * small_peak, (small_peak, large_peak)
