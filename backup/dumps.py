"""Whole-database backups and restores.

PostgreSQL is dumped with ``pg_dump --format=custom`` and loaded with ``pg_restore``;
SQLite is copied page by page with its backup API. Either is consistent while the site
runs. A backup holds every withheld name, so with a gpg recipient it is encrypted on the
way to disk: pg_dump's output is piped into gpg, and SQLite's copy is made in a private
temporary folder, encrypted and deleted. Files are readable by their owner only.
"""

import datetime
import os
import shutil
import sqlite3
import subprocess
import tempfile
from contextlib import ExitStack, contextmanager
from pathlib import Path

from django.db import DatabaseError, connections

from debates.models import Debate

# How each kind of backup begins; an encrypted one shows its kind only in its name.
MAGIC = {"postgresql": b"PGDMP", "sqlite": b"SQLite format 3\x00"}
SUFFIXES = {"postgresql": ".dump", "sqlite": ".sqlite3"}
NAMES = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}

# libpq settings that DATABASES keeps in OPTIONS (e.g. ?sslmode=require in DATABASE_URL),
# handed to pg_dump and pg_restore through their environment variables.
LIBPQ_ENVIRONMENT = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "sslcrl": "PGSSLCRL",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "options": "PGOPTIONS",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
}


class BackupError(Exception):
    """Something the operator has to fix; the message says what."""


def backup_database(directory, recipient="", using="default"):
    """Write a timestamped backup of the database into ``directory``, encrypted to the
    gpg key ``recipient`` when one is given. Returns the path of the new file."""
    connection = connections[using]
    suffix = _suffix(connection)
    if recipient:
        _check_recipient(recipient)
    directory = Path(directory)
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    name = f"debate-record-{stamp}{suffix}{'.gpg' if recipient else ''}"
    final = directory / name
    if final.exists():
        raise BackupError(f"{final} already exists; wait a second and run the backup again.")
    # Written under a hidden name and renamed when complete, so a backup that fails
    # half-way never looks like one that can be restored.
    partial = directory / f".{name}.partial"
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as out:
            if connection.vendor == "postgresql":
                _dump_postgresql(connection, out, recipient)
            else:
                _dump_sqlite(connection, partial, out, recipient)
            out.flush()
            os.fsync(out.fileno())
            if os.fstat(out.fileno()).st_size == 0:
                raise BackupError("The backup came out empty; nothing was kept.")
        os.replace(partial, final)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return final


def restore_database(path, using="default"):
    """Load the backup at ``path`` (encrypted or not) into the database, which must be
    empty: a restore never overwrites anything."""
    connection = connections[using]
    _suffix(connection)
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path}: no such file.")
    _refuse_unless_empty(connection)
    with path.open("rb") as backup:
        head = backup.read(16)
    encrypted = not head.startswith(tuple(MAGIC.values()))
    vendor = _vendor_of(path, head) or connection.vendor
    if vendor != connection.vendor:
        raise BackupError(
            f"{path} is a backup of a {NAMES[vendor]} database; restore it into a new "
            f"{NAMES[vendor]} database (DATABASE_URL), not into {NAMES[connection.vendor]}."
        )
    if connection.vendor == "postgresql":
        _restore_postgresql(connection, path, encrypted)
        # pg_restore brings no planner statistics, and autovacuum may be off: without
        # them search takes seconds instead of milliseconds.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    elif encrypted:
        with _private_folder() as folder:
            clear = folder / "backup.sqlite3"
            with _create_private(clear) as out:
                _run_pipeline([(_gpg("--decrypt", "--output", "-", str(path)), None)], stdout=out)
            _restore_sqlite(connection, clear, path)
    else:
        _restore_sqlite(connection, path, path)


def _vendor_of(path, head):
    for vendor, suffix in SUFFIXES.items():
        if head.startswith(MAGIC[vendor]) or path.name.endswith(f"{suffix}.gpg"):
            return vendor
    return None


def _suffix(connection):
    try:
        return SUFFIXES[connection.vendor]
    except KeyError:
        raise BackupError(
            f"Backups are made of PostgreSQL and SQLite databases, not {connection.vendor}."
        ) from None


# PostgreSQL


def _pg_command(program, connection, *args):
    """A pg_dump or pg_restore command for the database, and its environment: the
    password goes in the environment, where other users' `ps` cannot read it."""
    if shutil.which(program) is None:
        raise BackupError(
            f"{program} is not installed: install Debian's postgresql-client, of the "
            "server's major version or newer."
        )
    settings = connection.settings_dict
    command = [program, "--no-password"]
    if settings.get("HOST"):
        command += ["--host", str(settings["HOST"])]
    if settings.get("PORT"):
        command += ["--port", str(settings["PORT"])]
    if settings.get("USER"):
        command += ["--username", str(settings["USER"])]
    environment = dict(os.environ)
    if settings.get("PASSWORD"):
        environment["PGPASSWORD"] = str(settings["PASSWORD"])
    for option, variable in LIBPQ_ENVIRONMENT.items():
        if option in settings.get("OPTIONS", {}):
            environment[variable] = str(settings["OPTIONS"][option])
    return [*command, *args, "--dbname", settings["NAME"]], environment


def _dump_postgresql(connection, out, recipient):
    dump = _pg_command("pg_dump", connection, "--format=custom")
    if recipient:
        _run_pipeline([dump, (_encrypt(recipient), None)], stdout=out)
    else:
        _run_pipeline([dump], stdout=out)


def _restore_postgresql(connection, path, encrypted):
    # --no-owner and --no-privileges: the restoring user owns everything, whatever the
    # roles were called on the server the backup came from. One transaction: a restore
    # that fails leaves the database empty, ready for another try.
    options = ["--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error"]
    if encrypted:
        restore = _pg_command("pg_restore", connection, *options)
        _run_pipeline([(_gpg("--decrypt", "--output", "-", str(path)), None), restore])
    else:
        _run_pipeline([_pg_command("pg_restore", connection, *options, str(path))])


# SQLite


def _dump_sqlite(connection, partial, out, recipient):
    connection.ensure_connection()
    source = connection.connection
    if source.in_transaction:
        # SQLite's backup would wait for this very connection's transaction for ever.
        raise BackupError("A backup is taken outside a transaction; this connection has one.")
    if not recipient:
        _sqlite_copy(source, partial)
        return
    with _private_folder() as folder:
        clear = folder / "backup.sqlite3"
        _create_private(clear).close()
        _sqlite_copy(source, clear)
        _run_pipeline([(_encrypt(recipient, str(clear)), None)], stdout=out)


def _sqlite_copy(source, path):
    # One step (the default pages=-1) under one read lock: a consistent copy even while
    # the site writes.
    target = sqlite3.connect(path)
    try:
        source.backup(target)
    finally:
        target.close()


def _restore_sqlite(connection, clear, shown):
    source = sqlite3.connect(f"{Path(clear).resolve().as_uri()}?mode=ro", uri=True)
    try:
        try:
            source.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.DatabaseError:
            raise BackupError(f"{shown} is not a SQLite backup.") from None
        connection.ensure_connection()
        source.backup(connection.connection)
    finally:
        source.close()


# Both


def _refuse_unless_empty(connection):
    try:
        with connection.cursor() as cursor:
            tables = connection.introspection.table_names(cursor)
            if not tables:
                return
            found = f"{len(tables)} tables"
            if "django_migrations" in tables:
                cursor.execute("SELECT count(*) FROM django_migrations")
                found += f", {cursor.fetchone()[0]} applied migrations"
            if Debate._meta.db_table in tables:
                cursor.execute(f"SELECT count(*) FROM {Debate._meta.db_table}")
                found += f", {cursor.fetchone()[0]} debates"
    except DatabaseError as error:
        raise BackupError(
            f"Cannot open the database {connection.settings_dict['NAME']}: {error}"
        ) from None
    raise BackupError(
        f"The database {connection.settings_dict['NAME']} is not empty ({found}). A "
        "restore only loads into an empty database, so that nothing is overwritten: "
        "create a new database, point DATABASE_URL at it and restore again."
    )


def _gpg(*args):
    if shutil.which("gpg") is None:
        raise BackupError("gpg is not installed: install Debian's gnupg.")
    return ["gpg", "--batch", "--no-tty", "--quiet", *args]


def _encrypt(recipient, *files):
    # The operator chose the key by setting BACKUP_GPG_RECIPIENT; gpg's web of trust
    # would otherwise refuse a key imported but not signed.
    return _gpg(
        "--trust-model", "always", "--encrypt", "--recipient", recipient, "--output", "-", *files
    )


def _check_recipient(recipient):
    # Fail before dumping anything, with a message that says what to do.
    found = subprocess.run(_gpg("--list-keys", "--", recipient), capture_output=True, check=False)
    if found.returncode != 0:
        raise BackupError(
            f"No public key for {recipient!r} in gpg's keyring (GNUPGHOME, or ~/.gnupg): "
            "import it with `gpg --import KEYFILE`, or unset BACKUP_GPG_RECIPIENT."
        )


def _run_pipeline(commands, stdout=None):
    """Run ``(command, environment)`` pairs as a shell pipeline into ``stdout`` (None:
    discard). Raises BackupError with the messages of the commands that failed."""
    processes = []
    with ExitStack() as stack:
        # Messages go to files, not pipes: a command that writes many would otherwise
        # block while the others wait for it.
        errors = [stack.enter_context(tempfile.TemporaryFile()) for _ in commands]
        stack.callback(_stop, processes)
        for index, (command, environment) in enumerate(commands):
            last = index == len(commands) - 1
            processes.append(
                subprocess.Popen(
                    command,
                    env=environment,
                    stdin=processes[-1].stdout if processes else subprocess.DEVNULL,
                    stdout=(stdout or subprocess.DEVNULL) if last else subprocess.PIPE,
                    stderr=errors[index],
                )
            )
            if index:
                # Only the next command holds the pipe now, so the one before it sees
                # a broken pipe if the next one stops early.
                processes[-2].stdout.close()
        failed = []
        for process, error in zip(processes, errors, strict=True):
            if process.wait() != 0:
                error.seek(0)
                message = error.read().decode(errors="replace").strip()
                failed.append(message or f"{process.args[0]} stopped (exit {process.returncode})")
        if failed:
            raise BackupError("\n".join(failed))


def _stop(processes):
    for process in processes:
        if process.poll() is None:
            process.kill()
            process.wait()


@contextmanager
def _private_folder():
    # mkdtemp makes the folder readable by its owner only (0700); TMPDIR chooses where.
    folder = Path(tempfile.mkdtemp(prefix="debate-record-backup-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _create_private(path):
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb")
