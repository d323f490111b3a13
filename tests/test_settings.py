"""Settings from the environment: safe in production, easy on a developer's machine."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent


def run_python(*args, **environ):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"PYTEST_VERSION", "DEBUG", "SECRET_KEY", "DATABASE_URL"}
    }
    env.update(environ)
    return subprocess.run(
        [sys.executable, *args], cwd=PROJECT, env=env, capture_output=True, text=True
    )


def test_production_settings_pass_the_deployment_checks():
    result = run_python(
        "manage.py",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY="a-long-random-production-key-" + "x" * 40,
        ALLOWED_HOSTS="debates.example.org",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_the_site_will_not_serve_without_a_secret_key():
    result = run_python("-c", "import config.wsgi", DJANGO_SETTINGS_MODULE="config.settings")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.parametrize("command", [["makemigrations", "--check", "--dry-run"], ["help"]])
def test_management_commands_that_sign_nothing_run_without_a_secret_key(command):
    result = run_python("manage.py", *command)
    assert result.returncode == 0, result.stderr


def test_a_yes_or_no_setting_it_does_not_understand_stops_the_site_with_its_name():
    result = run_python("manage.py", "check", DEBUG="ture")
    assert result.returncode != 0
    assert "DEBUG='ture' is not a yes or no" in result.stderr


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1", True), ("yes", True), (" On ", True), ("0", False), ("off", False), ("", None)],
)
def test_yes_or_no_settings_read_the_usual_words_and_fall_back_when_blank(
    monkeypatch, value, expected
):
    from config.settings import env_bool

    monkeypatch.setenv("SOME_FLAG", value)
    sentinel = object()
    result = env_bool("SOME_FLAG", default=sentinel)
    assert result is (sentinel if expected is None else expected)
