"""`make serve` as an operator runs it: gunicorn with production settings, static files and all."""

import json
import re
import socket
import sys
import time

import pytest

from tests.servers import GUNICORN, HTTPS, MAKE_SERVE, Server, free_port, manage, server_env

# The django_db mark, not only the fixture: pytest-django sets up the test database only
# for databases that collected tests are marked with, and `-m slow` collects only these.
# Serialized rollback brings back the provinces (a data migration) after each flush.
pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ONE_YEAR = 365 * 24 * 3600


@pytest.fixture
def served(tmp_path, database_url):
    """`make serve` with the demo debates imported, behind a (pretend) TLS proxy."""
    env = server_env(tmp_path, database_url, free_port())
    server = Server(MAKE_SERVE, env, tmp_path / "serve.log")
    try:
        server.wait_until_up()
        manage(env, "import_debates", "demo/afghans-reject-russian-alliance.json")
        yield server
    finally:
        server.stop()


def test_make_serve_serves_a_debate_page_and_its_stylesheet_with_a_long_cache_life(served):
    response, body = served.get("/debates/kabul-russia-taleban/", **HTTPS)
    assert response.status == 200
    page = body.decode()
    assert "Kabul" in page
    stylesheet = re.search(r'<link rel="stylesheet" href="([^"]+)"', page).group(1)
    # A hashed name: a changed stylesheet gets a new address, so the old may be cached forever.
    assert re.fullmatch(r"/static/css/site\.[0-9a-f]{12}\.css", stylesheet)

    response, body = served.get(stylesheet, **HTTPS, **{"Accept-Encoding": "gzip"})
    assert response.status == 200
    assert response.getheader("Content-Type").startswith("text/css")
    assert response.getheader("Content-Encoding") == "gzip"
    max_age = re.search(r"max-age=(\d+)", response.getheader("Cache-Control"))
    assert int(max_age.group(1)) >= ONE_YEAR


def test_make_serve_sends_the_security_headers(served):
    response, _ = served.get("/", **HTTPS)
    assert response.status == 200
    assert response.getheader("Strict-Transport-Security") == "max-age=31536000"
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    assert response.getheader("X-Frame-Options") == "DENY"
    assert response.getheader("Referrer-Policy") == "same-origin"
    csp = response.getheader("Content-Security-Policy")
    assert "script-src 'none'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "default-src 'self'" in csp


def test_a_load_balancer_probe_gets_the_health_check_by_address_over_plain_http(served):
    response, body = served.get("/healthz", Host="10.0.0.7:8000")
    assert response.status == 200
    assert response.getheader("Content-Type") == "application/json"
    assert json.loads(body) == {"status": "ok"}


def test_the_health_check_says_503_when_the_database_is_down(tmp_path):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        nothing_listens = closed.getsockname()[1]
    env = server_env(
        tmp_path,
        f"postgres://postgres@127.0.0.1:{nothing_listens}/debates",
        free_port(),
        WEB_CONCURRENCY="1",
    )
    server = Server(GUNICORN, env, tmp_path / "gunicorn.log")
    try:
        server.wait_until_up()
        response, body = server.get("/healthz")
        assert response.status == 503
        assert json.loads(body) == {"status": "unavailable"}
        assert str(nothing_listens).encode() not in body
    finally:
        server.stop()


def test_make_serve_sends_plain_http_to_https(served):
    response, _ = served.get("/debates/")
    assert response.status == 301
    assert response.getheader("Location") == "https://127.0.0.1/debates/"


def test_the_access_log_keeps_no_client_address_and_no_search_words(served):
    served.get("/search/?q=secret-words", **HTTPS)
    time.sleep(0.5)
    requests = [line for line in served.log.read_text().splitlines() if '"GET ' in line]
    assert any('"GET /search/ HTTP/1.1" 200' in line for line in requests), requests
    assert not any("127.0.0.1" in line or "secret-words" in line for line in requests)


def test_make_run_still_serves_the_stylesheet_under_its_plain_name(tmp_path):
    # make run: DEBUG=1 and Django's development server, no collectstatic.
    env = server_env(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite3'}", free_port(), DEBUG="1")
    server = Server(
        [sys.executable, "manage.py", "runserver", "--noreload", env["ADDR"]],
        env,
        tmp_path / "runserver.log",
    )
    try:
        server.wait_until_up()
        response, body = server.get("/static/css/site.css")
        assert response.status == 200
        assert response.getheader("Content-Type").startswith("text/css")
        assert b".site-header" in body
    finally:
        server.stop()
