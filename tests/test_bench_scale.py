"""bench/generate.py and bench/scale.py: realistic data of any size, the pages measured in it,
and a short real run."""

import json
import os
import random
import re
import statistics
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from bench import generate, scale
from debates.models import Debate, Participant, Statement
from record.importer import import_record
from reports.models import Report

PROJECT = Path(__file__).resolve().parent.parent
STATEMENTS = 600


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    path = tmp_path_factory.mktemp("scale") / "scale.json"
    manifest = generate.write_record(path, STATEMENTS, seed=7)
    return path, manifest


@pytest.fixture
def imported(db, generated):
    path, manifest = generated
    import_record(path)
    return manifest


def test_the_generated_file_imports_every_statement_debate_and_report(imported):
    assert Statement.objects.count() == STATEMENTS
    assert Debate.objects.count() == len(imported.debates)
    assert Report.objects.published().count() == len(imported.reports) >= 1


def test_the_generated_file_follows_the_format_at_the_top_level(generated):
    path, _ = generated
    record = json.loads(path.read_text(encoding="utf-8"))

    assert record["format"] == "debate-record/1"
    assert list(record) == ["format", "programmes", "topics", "participants", "debates", "reports"]
    topics = record["topics"]
    assert all(2 <= len(topic["positions"]) <= 4 for topic in topics)
    assert len(topics) == max(1, len(record["debates"]) // 20)


def test_participants_come_from_all_34_provinces_and_most_are_not_named(imported):
    provinces = Participant.objects.values_list("province__code", flat=True).distinct()
    assert len(set(provinces)) == 34

    attributions = Counter(Participant.objects.values_list("attribution", flat=True))
    assert set(attributions) == {"named", "role", "anonymous"}
    assert attributions["named"] < (attributions["role"] + attributions["anonymous"]) / 2


def test_about_a_quarter_of_statements_have_dari_or_pashto_originals(imported):
    originals = Statement.objects.exclude(original_text="")
    assert 0.18 < originals.count() / STATEMENTS < 0.32
    languages = Counter(originals.values_list("original_language", flat=True))
    assert set(languages) == {"fa-AF", "ps"}
    dari = originals.filter(original_language="fa-AF").first().original_text
    assert re.search(r"[\u0600-\u06ff]{2,}", dari), dari
    assert not re.search(r"[A-Za-z]", dari)


def test_debate_sizes_are_long_tailed_from_a_handful_to_several_hundred():
    sizes = generate.debate_sizes(200_000, random.Random(1))

    assert sum(sizes) == 200_000
    assert min(sizes) <= 5
    assert max(sizes) >= 500
    assert 20 <= statistics.median(sizes) <= 50
    assert statistics.mean(sizes) > statistics.median(sizes)


def test_a_few_speakers_speak_far_more_than_most(generated):
    path, _ = generated
    record = json.loads(path.read_text(encoding="utf-8"))
    spoken = Counter(s.get("speaker") for debate in record["debates"] for s in debate["statements"])
    counts = sorted((spoken[p["slug"]] for p in record["participants"]), reverse=True)

    assert counts[0] >= 10 * statistics.median(counts)
    assert counts[0] >= STATEMENTS / 5


def test_texts_have_common_and_rare_words(generated):
    path, manifest = generated
    text = path.read_text(encoding="utf-8").lower()

    assert len(re.findall(rf"\b{manifest.common_word}\b", text)) > 100
    rare = len(re.findall(rf"\b{manifest.rare_word}\b", text))
    assert 1 <= rare <= 5
    assert manifest.rare_word_count == rare


def test_the_same_seed_gives_the_same_file_and_another_seed_another(tmp_path):
    for name, seed in [("a", 1), ("b", 1), ("c", 2)]:
        generate.write_record(tmp_path / name, 200, seed=seed)

    assert (tmp_path / "a").read_bytes() == (tmp_path / "b").read_bytes()
    assert (tmp_path / "a").read_bytes() != (tmp_path / "c").read_bytes()


class ClientAdapter:
    """Django's test client with the interface of bench/load.py's Client."""

    def __init__(self, client):
        self.client = client

    def request(self, method, path, body=None, headers=None):
        response = self.client.get(path)
        return response.status_code, list(response.items()), response.content


def test_the_benchmark_finds_each_page_from_the_data_and_only_pages_that_answer(
    imported, staff_client
):
    site = scale.Site(ClientAdapter(staff_client))

    scale.discover(site, imported, admin=ClientAdapter(staff_client))

    pages = site.pages
    for name in [
        "home",
        "debates list",
        "topic",
        "province",
        "search: a rare word",
        "search: a Dari word",
        "report",
        "admin: statements search",
    ]:
        assert name in pages, (name, site.skipped)
    biggest = imported.debate_closest_to(500)
    assert pages[f"debate of {biggest['statements']} statements"] == f"/debates/{biggest['slug']}/"
    assert re.fullmatch(
        r"/admin/debates/debate/\d+/change/",
        pages[f"admin: debate of {biggest['statements']} statements"],
    )
    speaker = imported.busiest_named_speaker()
    assert pages["speaker"] == f"/speakers/{speaker}/"


def test_a_page_that_does_not_answer_is_skipped_with_the_reason(db, client):
    site = scale.Site(ClientAdapter(client))

    assert site.add("nothing", "/no-such-page/") is None
    assert site.pages == {}
    assert site.skipped == {"nothing": "/no-such-page/ answered 404"}


def test_the_last_page_is_the_highest_page_linked_or_named():
    html = '<a href="?page=2">Next</a> <span>Page 1 of 1,234</span>'

    assert scale.last_page(html) == 1234
    assert scale.last_page('<a href="/debates/?province=kabul&amp;page=7">') == 7
    assert scale.last_page("<p>no pages</p>") == 1
    assert scale.with_page("/debates/", 3) == "/debates/?page=3"
    assert scale.with_page("/search/?q=x", 3) == "/search/?q=x&page=3"


def test_targets_allow_searches_a_higher_95th_percentile():
    times = {
        "hello": [0.010] * 20,
        "home": [0.050] * 17 + [0.250] * 3,
        "search: a common word": [0.050] * 17 + [0.250] * 3,
        "debates list": [0.150] * 20,
    }
    rows = scale.page_rows(times, {}, {}, dict.fromkeys(times, "/"))

    met = {row["page"]: row["met"] for row in rows}
    assert met == {
        "hello": None,
        "home": False,
        "search: a common word": True,
        "debates list": False,
    }


def test_the_benchmark_refuses_a_database_name_that_could_be_a_site(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/debate_record")
    for name in ["debate_record", "production", "x; DROP"]:
        with pytest.raises(scale.load.BenchError, match="contains 'scale'"):
            scale.scale_database(scale.arguments(["--database", name]), tmp_path)

    url, name, postgresql = scale.scale_database(scale.arguments([]), tmp_path)
    assert (url, name, postgresql) == (
        "postgres://postgres@127.0.0.1:5432/debate_record_scale",
        "debate_record_scale",
        True,
    )


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_tiny_run_imports_and_measures_every_page_without_an_error(bench_database, tmp_path):
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    if bench_database:
        env["DATABASE_URL"] = bench_database
    figures_file = tmp_path / "figures.json"

    result = subprocess.run(
        [
            sys.executable,
            "bench/scale.py",
            "--statements=300",
            "--requests=1",
            f"--json={figures_file}",
        ],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    figures = json.loads(figures_file.read_text())
    assert figures["imports"]["re-import"]["output"] == "0 created, 0 updated, 0 deleted"
    assert figures["imports"]["import"]["peak_rss_mb"] > 0
    pages = {row["page"]: row for row in figures["pages"]}
    assert {"hello", "home", "search: a Dari word", "admin: statements"} <= set(pages)
    for page, row in pages.items():
        assert row["error"] is None, page
        assert row["requests"] == (scale.HELLO_REPEAT if page == "hello" else 1), page
    assert "| page | n | p50 ms |" in result.stdout
