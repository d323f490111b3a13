"""`make serve` as an operator runs it: gunicorn with production settings, static files and all."""

import http.client
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

pytestmark = pytest.mark.slow

PROJECT = Path(__file__).resolve().parent.parent
ONE_YEAR = 365 * 24 * 3600


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def database_url(request, tmp_path):
    """The PostgreSQL test database when the suite runs on PostgreSQL, else a SQLite file."""
    if connection.vendor != "postgresql":
        return f"sqlite:///{tmp_path / 'db.sqlite3'}"
    request.getfixturevalue("transactional_db")
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    return (
        f"postgres://{quote(db['USER'], safe='')}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    )


def server_env(tmp_path, database_url, port, **environ):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"PYTEST_VERSION", "DEBUG", "DATABASE_URL", "MAKEFLAGS", "MFLAGS"}
        and not key.startswith(("SECURE_", "TRUST_"))
    }
    env.update(
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=database_url,
        STATIC_ROOT=str(tmp_path / "static"),
        ADDR=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="2",
        TRUST_X_FORWARDED_PROTO="1",
    )
    env.update(environ)
    return env


class Server:
    def __init__(self, command, env, log):
        self.port = int(env["ADDR"].rsplit(":", 1)[1])
        self.log = log
        with open(log, "wb") as out:
            self.process = subprocess.Popen(
                command,
                cwd=PROJECT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def get(self, path, **headers):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request("GET", path, headers={"Host": "127.0.0.1", **headers})
            response = conn.getresponse()
            return response, response.read()
        finally:
            conn.close()

    def wait_until_up(self, timeout=120):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text()
            try:
                return self.get("/robots.txt", **{"X-Forwarded-Proto": "https"})
            except OSError:
                time.sleep(0.3)
        pytest.fail(f"the server did not start:\n{self.log.read_text()}")

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


@pytest.fixture
def served(tmp_path, database_url):
    """`make serve` with the demo debates imported, behind a (pretend) TLS proxy."""
    env = server_env(tmp_path, database_url, free_port())
    # -o: the virtualenv is already installed; do not reinstall it from the test.
    server = Server(["make", "-o", ".venv/.installed", "serve"], env, tmp_path / "serve.log")
    try:
        server.wait_until_up()
        subprocess.run(
            [
                sys.executable,
                "manage.py",
                "import_debates",
                "demo/afghans-reject-russian-alliance.json",
            ],
            cwd=PROJECT,
            env=env,
            check=True,
            capture_output=True,
        )
        yield server
    finally:
        server.stop()


HTTPS = {"X-Forwarded-Proto": "https"}


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
    server = Server(
        [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py", "config.wsgi"],
        env,
        tmp_path / "gunicorn.log",
    )
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
