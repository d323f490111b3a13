"""Backups: a backup restored into a new database gives back the same record, an
encrypted one holds no name in clear, and a restore never overwrites a database."""

import io
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

import psycopg2
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from psycopg2 import sql

from debates.models import Debate

pytestmark = pytest.mark.django_db

# Committed data: pg_dump is another process and sees no test transaction. The provinces
# that a migration loads are put back afterwards for the tests that follow.
committed = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ROOT = Path(__file__).resolve().parent.parent
WITHHELD = "Zarmina Withheldzai"
RECIPIENT = "backups@example.org"


@pytest.fixture
def record(make, django_user_model):
    """A debate whose speaker's name is withheld, a staff account and some history."""
    speaker = make.participant(slug="teacher", name=WITHHELD, attribution="anonymous")
    debate = make.debate(slug="kunduz-schools", title="Schools in Kunduz")
    make.statement(debate, speaker=speaker, text="Our girls need their school back.")
    debate.summary = "Parents and teachers on reopening schools."
    debate.save()
    django_user_model.objects.create_user("editor", password="pw-12345!", is_staff=True)


@pytest.fixture
def private_tmp(tmp_path, monkeypatch):
    """The folder this process makes its temporary files in, to see what is left."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


@pytest.fixture
def gpg_key(monkeypatch):
    """A throwaway key pair in its own keyring, without a passphrase."""
    if shutil.which("gpg") is None:
        pytest.fail("gpg is not installed (Debian's gnupg; .ci/run installs it)")
    # A short path: gpg-agent's socket lives here and socket paths are limited in length.
    home = tempfile.mkdtemp(prefix="gpg-", dir="/tmp")
    monkeypatch.setenv("GNUPGHOME", home)
    subprocess.run(
        [
            *("gpg", "--batch", "--passphrase", "", "--quick-gen-key"),
            *(f"Backups <{RECIPIENT}>", "future-default", "default", "never"),
        ],
        check=True,
        capture_output=True,
    )
    yield RECIPIENT
    subprocess.run(["gpgconf", "--kill", "gpg-agent"], check=False, capture_output=True)
    shutil.rmtree(home, ignore_errors=True)


@pytest.fixture
def new_database(tmp_path):
    """The DATABASE_URL of a new, empty database of the kind the suite runs on."""
    if connection.vendor == "sqlite":
        path = tmp_path / "restored.sqlite3"
        yield f"sqlite:///{path}", lambda: sqlite3.connect(path)
        return
    params = connection.get_connection_params()
    name = f"{connection.settings_dict['NAME']}_restored"

    def run(statement):
        admin = psycopg2.connect(**{**params, "dbname": "postgres"})
        admin.autocommit = True
        try:
            with admin.cursor() as cursor:
                cursor.execute(sql.SQL(statement).format(sql.Identifier(name)))
        finally:
            admin.close()

    run("DROP DATABASE IF EXISTS {} WITH (FORCE)")
    run("CREATE DATABASE {}")
    settings = connection.settings_dict
    login = quote(settings["USER"] or "", safe="")
    if settings["PASSWORD"]:
        login += ":" + quote(settings["PASSWORD"], safe="")
    url = f"postgres://{login}@{settings['HOST']}:{settings['PORT'] or 5432}/{name}"
    yield url, lambda: psycopg2.connect(**{**params, "dbname": name})
    run("DROP DATABASE IF EXISTS {} WITH (FORCE)")


# One process for both commands: starting Django is most of a test's time.
RESTORE_AND_EXPORT = """
import sys
import django
django.setup()
from django.core.management import call_command
call_command("restore_database", sys.argv[1])
call_command("export_debates", sys.argv[2])
"""


def export_before(tmp_path):
    path = tmp_path / "before.json"
    call_command("export_debates", str(path), stderr=io.StringIO())
    return path.read_bytes()


def restore_and_export(database_url, backup, tmp_path, **environment):
    """Restore into another database and export it, in a process of its own as an
    operator would."""
    after = tmp_path / "after.json"
    finished = subprocess.run(
        [sys.executable, "-c", RESTORE_AND_EXPORT, str(backup), str(after)],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url, **environment},
        capture_output=True,
        check=False,
    )
    assert finished.returncode == 0, finished.stderr.decode()
    return after.read_bytes()


def query(connect, sql):
    database = connect()
    try:
        cursor = database.cursor()
        cursor.execute(sql)
        return [row[0] for row in cursor.fetchall()]
    finally:
        database.close()


@committed
def test_a_backup_restored_into_a_new_database_exports_byte_for_byte_the_same_record(
    record, tmp_path, new_database
):
    before = export_before(tmp_path)
    call_command("backup_database", "--dir", str(tmp_path / "backups"), "--recipient", "")
    [backup] = (tmp_path / "backups").iterdir()
    assert backup.name.startswith("debate-record-20")
    assert backup.suffix == (".sqlite3" if connection.vendor == "sqlite" else ".dump")
    assert backup.stat().st_mode & 0o777 == 0o600

    database_url, connect = new_database
    assert restore_and_export(database_url, backup, tmp_path) == before
    assert WITHHELD.encode() in before
    # Not only the record: staff accounts and the history of changes come back too.
    assert query(connect, "SELECT username FROM auth_user WHERE is_staff") == ["editor"]
    assert query(connect, "SELECT count(*) FROM debates_historicaldebate")[0] >= 2
    if connection.vendor == "postgresql":
        # Analysed after the restore: only ANALYZE fills the planner's column statistics.
        analysed = "SELECT count(*) FROM pg_stats WHERE tablename = 'debates_statement'"
        assert query(connect, analysed)[0] > 0


@committed
def test_an_encrypted_backup_holds_no_name_in_clear_and_restores_with_the_private_key(
    record, tmp_path, new_database, gpg_key, private_tmp
):
    before = export_before(tmp_path)
    backups = tmp_path / "backups"
    call_command("backup_database", "--dir", str(backups), "--recipient", gpg_key)

    [backup] = backups.iterdir()  # the encrypted file and nothing else, not even hidden
    assert backup.name.endswith(".gpg")
    assert backup.stat().st_mode & 0o777 == 0o600
    content = backup.read_bytes()
    assert not content.startswith((b"SQLite format 3", b"PGDMP"))
    assert WITHHELD.encode() not in content
    assert b"editor" not in content
    assert list(private_tmp.iterdir()) == []  # SQLite's clear copy was deleted

    database_url, _ = new_database
    restore_tmp = tmp_path / "restore-tmp"
    restore_tmp.mkdir()
    after = restore_and_export(database_url, backup, tmp_path, TMPDIR=str(restore_tmp))
    assert after == before
    assert list(restore_tmp.iterdir()) == []


def test_a_backup_to_a_key_not_in_the_keyring_is_refused_and_leaves_no_file(tmp_path, monkeypatch):
    monkeypatch.setenv("GNUPGHOME", tempfile.mkdtemp(prefix="gpg-", dir=tmp_path))
    backups = tmp_path / "backups"
    with pytest.raises(CommandError, match=r"No public key for 'nobody@example\.org'"):
        call_command("backup_database", "--dir", str(backups), "--recipient", "nobody@example.org")
    assert not backups.exists() or list(backups.iterdir()) == []


@committed
def test_a_restore_into_a_database_that_has_data_is_refused_and_changes_nothing(record, tmp_path):
    call_command("backup_database", "--dir", str(tmp_path), "--recipient", "")
    [backup] = tmp_path.glob("debate-record-*")

    with pytest.raises(
        CommandError, match=r"is not empty \(\d+ tables, \d+ applied migrations, 1 debates\)"
    ):
        call_command("restore_database", str(backup))
    assert Debate.objects.get().title == "Schools in Kunduz"

    Debate.objects.all().delete()  # with no debate left, its tables still make it not empty
    with pytest.raises(CommandError, match=r"not empty .* 0 debates\)\. A restore only loads"):
        call_command("restore_database", str(backup))
