"""Servers for the slow tests: gunicorn (or `make serve`) with production settings on loopback.

Used by tests/test_production_server.py and tests/test_servers.py; the database they
serve is the `database_url` fixture (tests/conftest.py).
"""

import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest

PROJECT = Path(__file__).resolve().parent.parent
MAKE_SERVE = ["make", "-o", ".venv/.installed", "serve"]  # -o: the virtualenv is installed
GUNICORN = [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py", "config.wsgi"]
HTTPS = {"X-Forwarded-Proto": "https"}


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_reachable():
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        return False
    return True


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


def manage(env, *args):
    """manage.py with a server's environment (its database and settings)."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT,
        env=env,
        check=True,
        capture_output=True,
    )


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

    def request(self, method, path, body=None, **headers):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request(method, path, body=body, headers={"Host": "127.0.0.1", **headers})
            response = conn.getresponse()
            return response, response.read()
        finally:
            conn.close()

    def get(self, path, **headers):
        return self.request("GET", path, **headers)

    def wait_until_up(self, timeout=120):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text()
            try:
                return self.get("/robots.txt", **HTTPS)
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


class Browser:
    """A browser's cookies, over HTTPS behind the (pretend) proxy, on any server."""

    def __init__(self):
        self.cookies = {}

    def request(self, server, method, path, form=None):
        headers = {**HTTPS, "Referer": "https://127.0.0.1/"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            token = self.cookies.get("csrftoken", "")
            body = urlencode({"csrfmiddlewaretoken": token, **form}, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        response, content = server.request(method, path, body, **headers)
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response, content.decode()

    def get(self, server, path):
        return self.request(server, "GET", path)

    def post(self, server, path, form):
        return self.request(server, "POST", path, form)
