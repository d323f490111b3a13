"""bench/load.py: the pages it loads, the figures it prints, and a short real run."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from bench import load

PROJECT = Path(__file__).resolve().parent.parent
PAGES = {
    "home",
    "debates",
    "debates filtered",
    "debate",
    "topic",
    "province",
    "speaker",
    "search",
    "report",
    "debates feed",
    "reports feed",
    "sitemap",
}


def fetch_with(client):
    def fetch(path):
        response = client.get(path)
        return response.status_code, response.content

    return fetch


@pytest.fixture
def demo(db):
    call_command("import_debates", str(PROJECT / load.DEMO_FILE), verbosity=0)


def test_the_benchmark_finds_every_public_page_in_the_demo_data_and_each_answers(client, demo):
    pages = load.discover_pages(fetch_with(client))

    assert set(pages) == PAGES
    for path in pages.values():
        assert client.get(path).status_code == 200, path
    assert pages["debates filtered"].startswith("/debates/?province=")
    assert pages["speaker"].startswith("/speakers/")


def test_the_benchmark_searches_for_a_word_the_search_finds(client, demo):
    pages = load.discover_pages(fetch_with(client))

    results = client.get(pages["search"]).content.decode()
    assert f'href="{pages["debate"]}' in results


def test_the_benchmark_says_how_to_load_the_demo_when_the_database_has_no_debates(client, db):
    with pytest.raises(load.BenchError, match="--load-demo"):
        load.discover_pages(fetch_with(client))


def test_the_hello_world_view_exists_only_in_the_benchmark_urlconf(client, settings, db):
    assert client.get(load.HELLO_PATH).status_code == 404

    settings.ROOT_URLCONF = "bench.urls"
    response = client.get(load.HELLO_PATH)
    assert response.status_code == 200
    assert client.get("/").status_code == 200


def test_percentiles_interpolate_between_ranks_of_unsorted_values():
    values = [4, 1, 3, 2]

    assert load.percentile(values, 50) == 2.5
    assert load.percentile(values, 0) == 1
    assert load.percentile(values, 100) == 4
    assert load.percentile(list(range(1, 101)), 95) == pytest.approx(95.05)
    assert load.percentile([7], 99) == 7
    assert load.percentile([], 50) is None


def test_the_summary_counts_errors_and_times_only_answers_and_compares_with_hello():
    samples = [
        load.Sample("hello", 0.010),
        load.Sample("hello", 0.020),
        load.Sample("home", 0.100),
        load.Sample("home", 0.300),
        load.Sample("home", 9.0, error="HTTP 500 for /"),
        load.Sample("search", 5.0, error="ConnectionResetError: reset for /search/"),
    ]
    worker = load.WorkerTimes(
        wall={"hello": [0.001, 0.002, 0.003], "home": [0.040, 0.020]},
        cpu={"hello": [0.001], "home": [0.005]},
    )

    summary = load.summarize(samples, worker, seconds=2.0, pages={"home": "/", "search": "/s/"})

    assert (summary.requests, summary.errors, summary.per_second) == (6, 2, 3.0)
    assert summary.p50 == pytest.approx(0.060)
    home = summary.pages["home"]
    assert (home.requests, home.errors) == (3, 1)
    assert home.p50 == pytest.approx(0.200)
    assert home.worker_p50 == pytest.approx(0.030)
    assert home.ratio == pytest.approx(15.0)
    assert home.cpu_ratio == pytest.approx(5.0)
    search = summary.pages["search"]
    assert (search.requests, search.errors, search.p50, search.ratio) == (1, 1, None, None)
    assert summary.error_examples == [
        "home: HTTP 500 for /",
        "search: ConnectionResetError: reset for /search/",
    ]
    text = load.report(summary, ["a note"])
    assert "3.0 requests/s, 2 errors" in text
    assert "15.0" in text


def test_worker_times_come_from_measured_answers_in_the_access_log_only():
    lines = [
        "home 200 31250 20000\n",
        "debates filtered 200 50000 -\n",
        "- 200 99999 99999\n",  # warm-up: no page header
        "home 404 1000 1000\n",
        "garbage\n",
    ]

    times = load.parse_access_log(lines)

    assert times.wall == {"home": [0.03125], "debates filtered": [0.05]}
    assert times.cpu == {"home": [0.02]}


def test_gunicorn_gets_production_settings_for_plain_http_on_loopback(monkeypatch):
    monkeypatch.setenv("DEBUG", "1")
    monkeypatch.setenv("SECURE_HSTS_PRELOAD", "1")

    env = load.server_environment("sqlite:///x.sqlite3", 8123, Path("/tmp/s"), workers=3)

    assert "DEBUG" not in env and "PYTEST_VERSION" not in env
    assert "SECURE_HSTS_PRELOAD" not in env
    assert env["SECURE_SSL_REDIRECT"] == "0"
    assert env["ALLOWED_HOSTS"] == "127.0.0.1"
    assert env["ADDR"] == "127.0.0.1:8123"
    assert env["WEB_CONCURRENCY"] == "3"
    assert env["DJANGO_SETTINGS_MODULE"] == "bench.settings"
    assert len(env["SECRET_KEY"]) >= 50


@pytest.mark.parametrize("option", ["--clients=0", "--clients=100000", "--seconds=3600"])
def test_the_load_is_bounded(option, capsys):
    with pytest.raises(SystemExit):
        load.arguments([option])
    assert "must be from" in capsys.readouterr().err


@pytest.mark.slow
# Marked, so that `-m slow` alone still sets up the test database (see bench_database).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_short_run_serves_every_page_without_an_error(bench_database, tmp_path):
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    command = [sys.executable, "bench/load.py", "--clients=4", "--seconds=3", "--warmup=1"]
    if bench_database:
        env["DATABASE_URL"] = bench_database
        command.append("--load-demo")
    figures_file = tmp_path / "figures.json"

    result = subprocess.run(
        [*command, f"--json={figures_file}"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    figures = json.loads(figures_file.read_text())
    assert figures["errors"] == 0
    assert set(figures["pages"]) == {"hello", *PAGES}
    for page, page_figures in figures["pages"].items():
        assert page_figures["requests"] > 0, page
        assert page_figures["ratio"] is not None, page
        assert page_figures["cpu_ratio"] is not None, page
    assert "requests/s, 0 errors" in result.stdout
