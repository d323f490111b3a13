import struct
from urllib.parse import quote

import pytest
from django.db import connection
from django.utils import translation

from tests import factories


@pytest.fixture(autouse=True)
def _plain_http(settings):
    # Production settings redirect to HTTPS; the test client speaks plain HTTP.
    settings.SECURE_SSL_REDIRECT = False


@pytest.fixture(autouse=True)
def _two_factor_optional(settings):
    # REQUIRE_2FA is on without DEBUG; tests/test_login_protection.py turns it on itself.
    settings.REQUIRE_2FA = False


@pytest.fixture(autouse=True)
def _english_outside_requests():
    # A request to /fa/ leaves Dari active in the thread; each test starts in English.
    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture
def make():
    """The factories, e.g. ``make.debate(status="published")``."""
    return factories


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("editor", "editor@example.org", "pw-12345!")
    client.force_login(user)
    return client


@pytest.fixture
def bench_database(request):
    """The PostgreSQL test database when the suite runs on PostgreSQL, else none (the
    benchmark then makes its own SQLite file)."""
    return postgresql_test_database(request)


@pytest.fixture
def database_url(request, tmp_path):
    """For servers the tests start (tests/servers.py): the PostgreSQL test database when
    the suite runs on PostgreSQL, else a SQLite file."""
    return postgresql_test_database(request) or f"sqlite:///{tmp_path / 'db.sqlite3'}"


def postgresql_test_database(request):
    """The test database's URL, for another process, when it is PostgreSQL; else None."""
    if connection.vendor != "postgresql":
        return None
    request.getfixturevalue("transactional_db")
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    user = quote(db["USER"], safe="")
    return f"postgres://{user}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def pytest_sessionfinish(session, exitstatus):
    # A .ci/run step that selects a marker (-m slow) with no tests yet is not a failure.
    if exitstatus == pytest.ExitCode.NO_TESTS_COLLECTED and session.config.option.markexpr:
        session.exitstatus = pytest.ExitCode.OK


@pytest.fixture
def every_language(settings):
    """The interface languages: English, and Dari and Pashto, offered because their
    catalogues are compiled in locale/ (README, "Languages")."""
    languages = [code for code, _name in settings.LANGUAGES]
    assert languages == ["en", "fa", "ps"], "locale/ lacks a compiled catalogue"
    return languages


def write_empty_catalogue(path):
    """A compiled gettext catalogue (.mo) with no messages."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # magic, revision, number of strings, offsets of both tables, hash table size, offset
    path.write_bytes(struct.pack("<7I", 0x950412DE, 0, 0, 28, 28, 0, 28))
