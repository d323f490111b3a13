"""Settings from the environment: safe in production, easy on a developer's machine."""

import json
import os
import socket
import subprocess
import sys
import uuid
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


def settings_with(**environ):
    """The settings the site would run with under ``environ`` (DEBUG on), as JSON."""
    result = run_python(
        "-c",
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({'databases': s.DATABASES, 'routers': s.DATABASE_ROUTERS, "
        "'middleware': s.MIDDLEWARE, 'cache': s.CACHES['default']['BACKEND']}, default=str))",
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="1",
        **environ,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_without_a_replica_or_redis_a_newcomer_gets_one_database_and_a_memory_cache():
    chosen = settings_with()
    assert list(chosen["databases"]) == ["default"]
    assert chosen["routers"] == []
    assert "config.replica.ReplicaMiddleware" not in chosen["middleware"]
    assert chosen["cache"] == "django.core.cache.backends.locmem.LocMemCache"


def test_a_replica_url_adds_the_replica_its_router_and_middleware_but_no_test_database():
    chosen = settings_with(
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/debates",
        DATABASE_REPLICA_URL="postgres://reader@10.0.0.8:5432/debates",
    )
    replica = chosen["databases"]["replica"]
    assert (replica["HOST"], replica["USER"]) == ("10.0.0.8", "reader")
    assert replica["TEST"]["MIRROR"] == "default"
    assert chosen["routers"] == ["config.replica.ReplicaRouter"]
    assert chosen["middleware"][-1] == "config.replica.ReplicaMiddleware"


def test_a_redis_url_puts_the_cache_on_redis():
    chosen = settings_with(REDIS_URL="redis://127.0.0.1:6379/0")
    assert chosen["cache"] == "django.core.cache.backends.redis.RedisCache"


def redis_reachable():
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        return False
    return True


@pytest.mark.skipif(not redis_reachable(), reason="no Redis at 127.0.0.1:6379")
def test_with_redis_what_one_process_caches_another_reads():
    key = f"test-shared-{uuid.uuid4().hex}"
    code = (
        "import sys, django; django.setup(); from django.core.cache import cache; "
        "print(cache.get(sys.argv[2]) if sys.argv[1] == 'get' else cache.set(sys.argv[2], 'x', 30))"
    )
    environ = {"DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "1"}
    environ["REDIS_URL"] = "redis://127.0.0.1:6379/0"
    assert run_python("-c", code, "set", key, **environ).returncode == 0
    result = run_python("-c", code, "get", key, **environ)
    assert result.stdout.strip() == "x", result.stderr
