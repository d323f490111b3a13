"""Hostile or oversized import files get listed errors, never a traceback or a 500."""

import io
import json
import re
import threading
import tracemalloc
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from debates.models import Debate, Participant, Position, Programme, Statement, Topic
from record import RecordError, check, importer, write
from record.exporter import export_record
from record.importer import import_record
from record.progress import Progress
from reports.models import Report

pytestmark = pytest.mark.django_db

SEED = Path(__file__).resolve().parent.parent / "demo" / "afghans-reject-russian-alliance.json"
IMPORT_URL = "/admin/debates/debate/import/"


@pytest.fixture
def seed():
    return json.loads(SEED.read_text(encoding="utf-8"))


def errors_of(data):
    with pytest.raises(RecordError) as raised:
        import_record(data if isinstance(data, str | bytes) else json.dumps(data))
    return raised.value.errors


def nested(depth):
    return "[" * depth + "]" * depth


def test_a_value_nested_1500_levels_deep_is_a_listed_error_at_its_place(seed):
    seed["debates"][0]["summary"] = "PLACEHOLDER"
    text = json.dumps(seed).replace('"PLACEHOLDER"', nested(1500))
    assert errors_of(text) == ["debates[0].summary: expected text, got a list"]
    assert not Debate.objects.exists()


def test_a_file_nested_1500_levels_deep_is_refused_at_the_top_level():
    assert errors_of(nested(1500)) == ["(top level): expected an object, got a list"]


def test_a_deeply_nested_file_with_a_syntax_error_is_refused_without_a_traceback():
    (error,) = errors_of("[" * 1500 + "}")
    assert "not JSON" in error


def test_a_nul_character_in_any_text_is_a_listed_error(seed):
    seed["debates"][1]["statements"][0]["text"] = "before\u0000after"
    seed["participants"][2]["role"] = "\u0000"
    seed["debates"][0]["statements"][0]["na\u0000me"] = "x"
    assert errors_of(seed) == [
        "participants[2].role: must not contain a NUL character (\\u0000)",
        "debates[0].statements[0].na\\u0000me: unknown key",
        "debates[1].statements[0].text: must not contain a NUL character (\\u0000)",
    ]
    assert not Statement.objects.exists()


def test_a_lone_surrogate_anywhere_is_a_listed_error_with_line_and_column(seed):
    text = json.dumps(seed, indent=1).replace(
        '"name": "Qazi Matiullah Doorman"', '"name": "Qazi \\ud800 Doorman"'
    )
    line = next(n for n, row in enumerate(text.split("\n"), 1) if "\\ud800" in row)
    column = text.split("\n")[line - 1].index("\\ud800") + 1
    assert errors_of(text) == [f"line {line}, column {column}: \\ud800 is half of a character pair"]
    assert errors_of('{"format": "debate-record/1", "x\\udc00": 1}') == [
        "line 1, column 33: \\udc00 is half of a character pair"
    ]
    assert not Participant.objects.exists()


def test_a_surrogate_pair_and_an_escaped_backslash_are_ordinary_text(seed):
    seed["debates"][0]["statements"][0]["text"] = "A smile 😀 and a path C:\\ud800"
    text = json.dumps(seed)
    assert "\\ud83d\\ude00" in text and "\\\\ud800" in text
    import_record(text)
    statement = Statement.objects.get(key=seed["debates"][0]["statements"][0]["key"])
    assert statement.text == "A smile 😀 and a path C:\\ud800"


def test_text_over_its_field_limit_is_a_listed_error(seed):
    seed["debates"][0]["summary"] = "x" * 20_001
    seed["debates"][0]["statements"][1]["text"] = "y" * 20_001
    seed["reports"][0]["body"] = "z" * 100_001
    assert errors_of(seed) == [
        "debates[0].summary: Ensure this value has at most 20000 characters (it has 20001).",
        "debates[0].statements[1].text: "
        "Ensure this value has at most 20000 characters (it has 20001).",
        "reports[0].body: Ensure this value has at most 100000 characters (it has 100001).",
    ]


def test_the_admin_forms_enforce_the_same_limits(staff_client, make):
    debate = make.debate()
    response = staff_client.post(
        f"/admin/debates/debate/{debate.pk}/change/", {"summary": "x" * 20_001}
    )
    assert response.status_code == 200
    assert "at most 20000 characters" in response.content.decode()


def test_an_error_quotes_a_long_value_cut_short(seed):
    seed["participants"][0]["gender"] = "g" * 10_000
    (error,) = errors_of(seed)
    assert error.startswith("participants[0].gender: must be one of")
    assert len(error) < 200


def test_a_file_over_the_upload_cap_is_refused_before_it_is_read(seed, settings, tmp_path):
    settings.IMPORT_MAX_BYTES = 1000
    message = (
        "the file is larger than 1 KB, the most one import takes (IMPORT_MAX_BYTES); "
        "split it into several files"
    )
    assert errors_of(seed) == [message]
    path = tmp_path / "big.json"
    path.write_text(json.dumps(seed))
    with pytest.raises(CommandError, match=r"IMPORT_MAX_BYTES"):
        call_command("import_debates", str(path))
    assert not Debate.objects.exists()


def test_the_admin_upload_names_the_cap_and_refuses_a_larger_file(staff_client, settings, seed):
    settings.IMPORT_MAX_BYTES = 1000
    assert "at most 1 KB" in staff_client.get(IMPORT_URL).content.decode()
    upload = SimpleUploadedFile("big.json", json.dumps(seed).encode())
    response = staff_client.post(IMPORT_URL, {"file": upload})
    assert response.status_code == 200
    assert "the file is larger than 1 KB" in response.content.decode()
    assert not Debate.objects.exists()


@pytest.mark.parametrize(
    "content",
    [
        nested(1500).encode(),
        b'{"format": "debate-record/1", "x": "\\ud800"}',
        b'{"format": "debate-record/1", "debates": [{"summary": "\\u0000"}]}',
    ],
    ids=["deep", "surrogate", "nul"],
)
def test_the_admin_upload_lists_hostile_input_as_errors(staff_client, content):
    response = staff_client.post(IMPORT_URL, {"file": SimpleUploadedFile("bad.json", content)})
    assert response.status_code == 200
    assert "nothing was imported" in response.content.decode()


def _many_new_participants(count=1500):
    return json.dumps(
        {
            "format": "debate-record/1",
            "participants": [
                {"slug": f"new-speaker-{n}", "name": f"Speaker {n}", "attribution": "role"}
                for n in range(count)
            ],
        }
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("wait", [True, False], ids=["command", "admin"])
def test_two_imports_of_the_same_new_participants_at_once_never_collide(wait):
    text = _many_new_participants()
    start = threading.Barrier(2)
    outcomes = []

    def run():
        try:
            start.wait()
            outcomes.append(import_record(text, wait=wait).totals())
        except RecordError as error:
            outcomes.append(error.errors)
        except Exception as error:  # the failure this test is about
            outcomes.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Participant.objects.count() == 1500, outcomes
    # Each import either did all of the work, found it done, or was told to try again.
    assert (1500, 0, 0) in outcomes
    other = next(outcome for outcome in outcomes if outcome != (1500, 0, 0))
    assert other in [
        (0, 0, 0),
        ["another import is running; try again when it has finished"],
    ], other


@pytest.fixture
def analysed(monkeypatch):
    """The tables each ANALYZE after an import would be run on (not run: ANALYZE in a
    test's transaction would leave row estimates behind that change later tests' plans)."""
    calls = []
    monkeypatch.setattr(importer, "analyze", lambda models: calls.append(set(models)))
    return calls


def test_an_import_that_writes_many_rows_analyses_the_tables_it_wrote_after_commit(
    seed, monkeypatch, analysed, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(importer, "ANALYZE_AFTER_ROWS", 10)
    with django_capture_on_commit_callbacks() as callbacks:
        import_record(json.dumps(seed))
    assert not analysed  # not inside the import's transaction
    for callback in callbacks:
        callback()
    assert analysed == [{Programme, Topic, Position, Participant, Debate, Statement, Report}]


def test_an_import_that_writes_few_rows_leaves_statistics_to_autovacuum(
    seed, analysed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        import_record(json.dumps(seed))
    assert analysed == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="ANALYZE is PostgreSQL's")
def test_analyse_runs_analyze_on_each_table_on_postgresql():
    with CaptureQueriesContext(connection) as queries:
        importer.analyze({Programme})
    assert [q["sql"] for q in queries.captured_queries] == ['ANALYZE "debates_programme"']


def test_analyse_does_nothing_on_sqlite():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's fallback")
    with CaptureQueriesContext(connection) as queries:
        importer.analyze({Programme, Statement})
    assert not queries.captured_queries


def _statements_file(statements, per_debate=50):
    return json.dumps(
        {
            "format": "debate-record/1",
            "participants": [{"slug": "speaker", "name": "Speaker", "attribution": "named"}],
            "debates": [
                {
                    "slug": f"debate-{d}",
                    "title": f"Debate {d}",
                    "province": "AF-KAB",
                    "held_on": "2020-01-01",
                    "statements": [
                        {
                            **({"key": f"d{d}-s{s}"} if s % 10 == 0 else {}),
                            "speaker": "speaker",
                            "kind": "quote",
                            "text": f"Statement {s} of debate {d}. " + "Words said. " * 80,
                        }
                        for s in range(per_debate)
                    ],
                }
                for d in range(statements // per_debate)
            ],
        }
    ).encode()


def _peak_memory_of_import(data):
    tracemalloc.start()
    try:
        import_record(data)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        Statement.objects.all().delete()
        Debate.objects.all().delete()


def test_a_file_twice_as_large_does_not_need_twice_the_memory(monkeypatch):
    # Small batches, so that files small enough for a test span many of them.
    monkeypatch.setattr(check, "BATCH_STATEMENTS", 200)
    monkeypatch.setattr(write, "BATCH", 200)
    small, large = _statements_file(2000), _statements_file(4000)
    assert len(large) > 1.95 * len(small)
    _peak_memory_of_import(small)  # caches, compiled queries: not the file's
    small_peak = _peak_memory_of_import(small)
    large_peak = _peak_memory_of_import(large)
    assert large_peak < 1.25 * small_peak, (small_peak, large_peak)


def test_a_key_taken_while_statements_are_written_stops_the_whole_import(make, monkeypatch):
    # The check found the key free; another statement takes it before it is written.
    taken = make.statement(make.debate(slug="elsewhere"), key="spare")
    original = write.Writer._write_statements

    def meanwhile(writer):
        Statement.objects.filter(pk=taken.pk).update(key="d39-s0")
        original(writer)

    monkeypatch.setattr(write, "BATCH", 200)
    monkeypatch.setattr(write.Writer, "_write_statements", meanwhile)
    with pytest.raises(RecordError) as raised:
        import_record(_statements_file(2000))
    assert raised.value.errors == ["the database changed while the file was imported; try again"]
    assert list(Debate.objects.values_list("slug", flat=True)) == ["elsewhere"]
    assert list(Statement.objects.values_list("key", flat=True)) == ["spare"]


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_an_import_on_a_terminal_shows_statements_done_rate_and_time_left(monkeypatch):
    monkeypatch.setattr(Progress, "INTERVAL", 0)
    terminal = Terminal()
    import_record(SEED.read_bytes(), progress=Progress(terminal))
    shown = terminal.getvalue()
    assert re.search(r"Checking: 9 statements, [\d,]+/s", shown), shown
    assert re.search(r"Writing: \d statements, [\d,]+/s, \d+% done, about \d+ s left", shown)


def test_an_export_on_a_terminal_shows_its_progress(monkeypatch):
    import_record(SEED.read_bytes())
    monkeypatch.setattr(Progress, "INTERVAL", 0)
    terminal = Terminal()
    export_record(io.StringIO(), progress=Progress(terminal))
    shown = terminal.getvalue()
    assert re.search(r"Exporting: 9 statements, [\d,]+/s, 100% done, about 0 s left", shown), shown


def test_the_commands_show_no_progress_when_standard_error_is_not_a_terminal(tmp_path, monkeypatch):
    monkeypatch.setattr(Progress, "INTERVAL", 0)
    errors = io.StringIO()
    monkeypatch.setattr("sys.stderr", errors)
    call_command("import_debates", str(SEED), stdout=io.StringIO(), stderr=errors)
    call_command("export_debates", str(tmp_path / "out.json"), stderr=errors)
    assert "statements," not in errors.getvalue()
    assert "Exported" in errors.getvalue()
