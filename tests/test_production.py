"""Production settings: the deployment checks, HTTPS behind a proxy, HSTS left to the operator."""

import json
import os
import re
import secrets
import string
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent

# Requests a fresh process makes with production settings (DEBUG unset) through Django's
# test client; robots.txt needs no database.
PROBE = """
import json, django
django.setup()
from django.test import Client
response = Client().get("/robots.txt", headers=json.loads(input()))
print(json.dumps({"status": response.status_code, "location": response.get("Location"),
                  "hsts": response.get("Strict-Transport-Security")}))
"""


def production_env(**environ):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"PYTEST_VERSION", "DEBUG", "SECRET_KEY", "DATABASE_URL"}
        and not key.startswith(("SECURE_", "TRUST_"))
    }
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    env.update(
        SECRET_KEY="".join(secrets.choice(alphabet) for _ in range(50)),
        ALLOWED_HOSTS="testserver",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    env.update(environ)
    return env


def production_request(headers, **environ):
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=PROJECT,
        env=production_env(**environ),
        input=json.dumps(headers),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def check_deploy(**environ):
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT,
        env=production_env(**environ),
        capture_output=True,
        text=True,
    )


def test_check_deploy_with_production_settings_prints_no_warning():
    result = check_deploy(DEBUG="0", ALLOWED_HOSTS="x")
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stdout + result.stderr
    assert "System check identified no issues (2 silenced)." in result.stdout


def test_only_the_two_hsts_warnings_the_operator_has_not_opted_into_are_silenced():
    # Turning the redirect off is reported: silencing is limited to the two HSTS flags.
    result = check_deploy(SECURE_SSL_REDIRECT="0")
    assert result.returncode != 0
    assert "security.W008" in result.stderr
    assert "security.W005" not in result.stderr
    assert "security.W021" not in result.stderr


def test_opting_into_hsts_subdomains_and_preload_silences_nothing():
    result = check_deploy(SECURE_HSTS_INCLUDE_SUBDOMAINS="1", SECURE_HSTS_PRELOAD="1")
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_a_forwarded_proto_header_from_a_client_is_ignored_unless_the_proxy_is_trusted():
    answer = production_request({"X-Forwarded-Proto": "https"})
    assert answer["status"] == 301
    assert answer["location"] == "https://testserver/robots.txt"


def test_behind_a_trusted_proxy_a_request_forwarded_over_https_is_served():
    answer = production_request({"X-Forwarded-Proto": "https"}, TRUST_X_FORWARDED_PROTO="1")
    assert answer["status"] == 200
    # ...while a plain-HTTP request through the same proxy is still sent to HTTPS.
    answer = production_request({"X-Forwarded-Proto": "http"}, TRUST_X_FORWARDED_PROTO="1")
    assert answer["status"] == 301


def test_hsts_covers_only_this_host_and_asks_for_no_preloading_by_default():
    answer = production_request({"X-Forwarded-Proto": "https"}, TRUST_X_FORWARDED_PROTO="1")
    assert answer["hsts"] == "max-age=31536000"


def test_hsts_subdomains_and_preload_are_sent_when_the_operator_opts_in():
    answer = production_request(
        {"X-Forwarded-Proto": "https"},
        TRUST_X_FORWARDED_PROTO="1",
        SECURE_HSTS_INCLUDE_SUBDOMAINS="1",
        SECURE_HSTS_PRELOAD="1",
    )
    assert answer["hsts"] == "max-age=31536000; includeSubDomains; preload"


@pytest.mark.parametrize("value", ["maybe", "ture"])
def test_a_trust_setting_it_does_not_understand_stops_the_site(value):
    result = check_deploy(TRUST_X_FORWARDED_PROTO=value)
    assert result.returncode != 0
    assert f"TRUST_X_FORWARDED_PROTO={value!r} is not a yes or no" in result.stderr


def policy(response):
    """The Content-Security-Policy header as {directive: [sources]}."""
    header = response["Content-Security-Policy"]
    return {
        name: sources
        for name, *sources in (part.split() for part in header.split(";") if part.strip())
    }


@pytest.mark.django_db
def test_the_health_check_says_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_the_health_check_answers_a_probe_whatever_its_host_and_without_https(client, settings):
    settings.ALLOWED_HOSTS = ["debates.example.org"]
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/robots.txt", HTTP_HOST="10.0.0.7:8000").status_code == 400
    assert client.get("/robots.txt", HTTP_HOST="debates.example.org").status_code == 301

    response = client.get("/healthz", HTTP_HOST="10.0.0.7:8000")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_the_health_check_says_unavailable_with_503_when_the_database_does_not_answer(
    client, monkeypatch
):
    from django.db import OperationalError, connection

    def refuse():
        raise OperationalError('connection to server at "10.9.9.9", port 5432 failed')

    monkeypatch.setattr(connection, "ensure_connection", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}
    assert b"10.9.9.9" not in response.content


@pytest.mark.django_db
def test_public_pages_may_run_no_script_and_may_not_be_framed(client, make):
    debate = make.debate(status="published")
    for url in ["/", f"/debates/{debate.slug}/", "/feeds/debates/", "/no-such-page/"]:
        directives = policy(client.get(url))
        assert directives["script-src"] == ["'none'"], url
        assert directives["frame-ancestors"] == ["'none'"], url
        assert directives["default-src"] == ["'self'"], url
        assert directives["style-src"] == ["'self'"], url
        assert directives["object-src"] == ["'none'"], url


@pytest.mark.django_db
def test_the_health_check_carries_the_policy_too(client):
    assert policy(client.get("/healthz"))["default-src"] == ["'self'"]


def test_admin_pages_may_run_scripts_from_this_site_only(staff_client, make):
    debate = make.debate()
    for url in ["/admin/", f"/admin/debates/debate/{debate.pk}/change/", "/admin/login/"]:
        directives = policy(staff_client.get(url))
        assert directives["script-src"] == ["'self'"], url
        assert directives["style-src"] == ["'self'"], url
        assert directives["frame-ancestors"] == ["'none'"], url


INLINE = re.compile(
    r"<script(?![^>]*\ssrc=)|<style|\sstyle\s*=|\son[a-z]+\s*=|javascript:", re.IGNORECASE
)


# The project's templates and every app of its own (any folder with an apps.py), config too.
APPS = ["templates", "config", *(path.parent.name for path in PROJECT.glob("*/apps.py"))]


def test_no_template_has_inline_script_style_or_event_handlers():
    templates = [path for folder in APPS for path in (PROJECT / folder).rglob("*.html")]
    assert templates
    offending = [
        f"{path.relative_to(PROJECT)}: {match.group(0)}"
        for path in templates
        for match in INLINE.finditer(path.read_text())
    ]
    assert offending == []


def test_no_form_widget_has_a_style_attribute():
    # Widget attrs are rendered as attributes: a "style" one is blocked by the policy.
    sources = [path for folder in APPS for path in (PROJECT / folder).rglob("*.py")]
    offending = [
        str(path.relative_to(PROJECT))
        for path in sources
        if re.search(r"""["']style["']\s*:""", path.read_text())
    ]
    assert offending == []
