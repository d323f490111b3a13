"""Import a debate record file, all or nothing, as a pipeline of three phases.

1. ``parse.scan``: one streaming pass over the file for its size, encoding, JSON syntax
   and top level (``Outline``).
2. ``check.check``: the file's objects checked against the format and the database into
   a ``Plan`` of what to create, update and delete, with every error placed in the file.
3. ``write.write``: the plan carried out with bulk writes, in one transaction.

The file is streamed, never held whole: memory depends on the number of programmes,
topics, participants, debates and keyed statements, not on the length of the text.
Records are matched by slug (positions by slug within their topic, statements by key,
else by their place among the debate's keyless statements), so importing the same file
twice changes nothing and, the second time, writes nothing.
"""

import os
import re
import time
import zlib
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, OperationalError, connection, transaction
from django.utils.translation import gettext as _

from debates.models import Debate, Participant, Statement, Status, Topic
from reports.models import FeaturedQuote, Report

from . import parse, schema
from .check import (
    changes,
    check,
    debate_columns,
    positions_change,
    record_columns,
    report_columns,
    rows_multi,
)
from .errors import RecordError
from .exporter import synthetic_key
from .history import ImportHistory, import_reason
from .progress import Progress
from .write import KINDS, Summary, write

__all__ = ["KINDS", "PERMISSIONS", "Summary", "import_record"]

# What a user needs to import each list: add and change what it holds.
PERMISSIONS = {
    "programmes": ["debates.add_programme", "debates.change_programme"],
    "topics": [
        "debates.add_topic",
        "debates.change_topic",
        "debates.add_position",
        "debates.change_position",
    ],
    "participants": ["debates.add_participant", "debates.change_participant"],
    "debates": [
        "debates.add_debate",
        "debates.change_debate",
        "debates.add_statement",
        "debates.change_statement",
    ],
    "reports": [
        "reports.add_report",
        "reports.change_report",
        "reports.add_featuredquote",
        "reports.change_featuredquote",
        "reports.delete_featuredquote",
    ],
}

# An import that writes at least this many rows refreshes the planner's statistics
# of the tables it wrote (PostgreSQL): autovacuum may be off or late.
ANALYZE_AFTER_ROWS = 10_000

# One advisory lock key for "an import is running" (PostgreSQL).
_LOCK_KEY = zlib.crc32(b"debate-record-import")


def another_import_message():
    return _("another import is running; try again when it has finished")


def import_record(
    data,
    user=None,
    *,
    name=None,
    reason="",
    progress=None,
    wait=True,
    max_bytes=None,
    allow_reveal=False,
):
    """Import the file ``data``; return a Summary or raise RecordError.

    ``data`` is bytes, a path, or a binary file object. With ``user`` (an admin upload),
    what the file would do must also be what the user may do in the admin. Every row
    written is recorded in the history as changed by ``user`` (without one, the command
    line), with the reason "import of ``name``" (the file's name; a path's own by
    default) and ``reason``, if given. ``progress`` is a ``Progress``; ``wait=False``
    refuses at once, rather than waiting, while another import is running.
    ``max_bytes`` defaults to the IMPORT_MAX_BYTES setting.

    A file that lowers a participant's protection (anonymous -> role -> named) needs
    the user's reveal permission or, without a user (the command line), the explicit
    ``allow_reveal``; and a ``reason``, recorded in the history with the changes.
    """
    if max_bytes is None:
        max_bytes = settings.IMPORT_MAX_BYTES
    if name is None and isinstance(data, os.PathLike):
        name = Path(data).name
    history_reason = import_reason(name, reason)
    progress = progress or Progress(None)
    with parse.Source(data) as source:
        outline = parse.scan(source, max_bytes)
        if outline.errors:
            raise RecordError(outline.errors)
        while True:
            try:
                may_reveal = allow_reveal if user is None else Participant.may_reveal(user)
                history = ImportHistory(user, history_reason)
                return _import(source, outline, user, history, progress, wait, may_reveal, reason)
            except OperationalError as error:
                # SQLite: another import holds the write lock past the busy timeout.
                if "locked" not in str(error):
                    raise
                if not wait or connection.in_atomic_block:
                    raise RecordError([another_import_message()]) from None
                progress.note(_("Another import is running; waiting for it to finish."))
                time.sleep(1)
            except IntegrityError:
                # Another import (or an admin edit) wrote the same slug or key meanwhile.
                raise RecordError(
                    [_("the database changed while the file was imported; try again")]
                ) from None


def _import(source, outline, user, history, progress, wait, may_reveal, reason):
    with _sqlite_write_lock(), transaction.atomic():
        _serialise(wait, progress)
        progress.start(_("Checking"), outline.statements)
        plan = check(source, outline, progress, user=user, may_reveal=may_reveal, reason=reason)
        if user is not None:
            check_permissions(plan, user)
        errors = in_file_order([*outline.problems, *plan.errors])
        if errors:
            progress.finish()
            raise RecordError(errors)
        progress.start(_("Writing"), outline.statements)
        summary, tables = write(source, plan, history, progress)
        progress.finish()
        if sum(summary.totals()) >= ANALYZE_AFTER_ROWS:
            transaction.on_commit(lambda: analyze(tables))
    return summary


_PLACE = re.compile(r"([a-z_]+)(?:\[(\d+)\])?")


def in_file_order(errors):
    """``errors`` by list (in the format's order), then by object within its list."""

    def place(error):
        match = _PLACE.match(error)
        if match is None or match.group(1) not in schema.TOP_KEYS:
            return (-1, -1)
        index = match.group(2)
        return (schema.TOP_KEYS.index(match.group(1)), -1 if index is None else int(index))

    return sorted(errors, key=place)


class _sqlite_write_lock:
    """On SQLite, take the write lock when the transaction begins (BEGIN IMMEDIATE).

    Two imports then run one after the other (the second waits up to the connection's
    timeout, then is told to try again) instead of both checking and then colliding.
    """

    def __enter__(self):
        self.active = connection.vendor == "sqlite" and not connection.in_atomic_block
        if self.active:
            connection.ensure_connection()
            self.mode = connection.transaction_mode
            connection.transaction_mode = "IMMEDIATE"

    def __exit__(self, *exc_info):
        if self.active:
            connection.transaction_mode = self.mode


def _serialise(wait, progress):
    """On PostgreSQL, one import at a time: a lock held until the transaction ends."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [_LOCK_KEY])
        if cursor.fetchone()[0]:
            return
        if not wait:
            raise RecordError([another_import_message()])
        progress.note(_("Another import is running; waiting for it to finish."))
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])


def analyze(models):
    """Refresh the PostgreSQL planner's statistics of the tables of ``models``."""
    if connection.vendor != "postgresql" or not models:
        return
    tables = {model._meta.db_table for model in models}
    if Report in models:
        tables.update({Report.debates.through._meta.db_table, FeaturedQuote._meta.db_table})
    with connection.cursor() as cursor:
        for table in sorted(tables):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


def check_permissions(plan, user):
    """Add to ``plan.errors`` what the file would do that ``user`` may not."""
    for name, perms in PERMISSIONS.items():
        if getattr(plan, name) and not user.has_perms(perms):
            plan.error(name, _("you do not have permission to import %(list)s") % {"list": name})
    if plan.stale_statements and not user.has_perm("debates.delete_statement"):
        path, _key = next(iter(plan.stale_statements.values()))
        plan.error(
            path, _("you do not have permission to delete statements the file no longer lists")
        )
    if plan.stale_positions and not user.has_perm("debates.delete_position"):
        index, _row = plan.stale_positions[0]
        plan.error(
            f"topics[{index}].positions",
            _("you do not have permission to delete positions the file no longer lists"),
        )
    check_topics(plan, user)
    check_publishing(plan, user)


def check_topics(plan, user):
    """Add to ``plan.errors`` the changes to public topics ``user`` may not make.

    The rule is ``Topic.change_refusal``, as in the admin: a topic with a published
    debate on it, and its positions, are changed only by those who may publish debates.
    """
    stored = [upsert.row["id"] for upsert in plan.topics.values() if upsert.row]
    public = {row["id"] for row in rows_multi(Topic.objects.public(), "id", stored, ["id"])}
    for upsert in plan.topics.values():
        if upsert.row is None or upsert.row["id"] not in public:
            continue
        try:
            changed = changes(record_columns(schema.TOPIC, upsert.values), upsert.row)
            if positions_change(plan, upsert):
                changed["positions"] = upsert.values.get("positions")
        except KeyError:
            continue  # a value with an error: nothing is written anyway
        refusal = Topic.change_refusal(user, changed, public=True)
        if refusal:
            plan.error(f"topics[{upsert.index}]", refusal)


def check_publishing(plan, user):
    """Add to ``plan.errors`` what the file would publish or change that ``user`` may not.

    The rule is the models' (``Debate.change_refusal`` and its like), as in the admin.
    """
    existing = [debate.row["id"] for debate in plan.debates.values() if debate.row]
    in_reports = {
        row["id"]
        for row in rows_multi(Debate.objects.in_published_reports(), "id", existing, ["id"])
    }
    for debate in plan.debates.values():
        row = debate.row
        status = row["status"] if row else None
        try:
            columns = debate_columns(plan, debate.values)
        except KeyError:
            continue  # a value with an error: nothing is written anyway
        refusal = Debate.change_refusal(
            user,
            changes(columns, row),
            status=status,
            in_published_report=row is not None and row["id"] in in_reports,
        )
        if refusal:
            plan.error(_place("debates", debate.index, columns, status), refusal)
        elif debate.statement_change is not None:
            where, changed = debate.statement_change
            refusal = Statement.change_refusal(user, changed, debate_status=status)
            if refusal:
                plan.error(where, refusal)
    for where, changed in plan.featured_changes:
        refusal = Statement.change_refusal(user, changed, featured=True)
        if refusal:
            plan.error(where, refusal)
    for upsert in plan.reports.values():
        row = upsert.row
        status = row["status"] if row else None
        try:
            columns = report_columns(plan, upsert.values)
        except KeyError:
            continue
        changed = changes(columns, row)
        if status == Status.PUBLISHED and not Report.may_publish(user):
            changed.update(_report_links_changed(row["id"], upsert.values))
        refusal = Report.change_refusal(user, changed, status=status)
        if refusal:
            plan.error(_place("reports", upsert.index, columns, status), refusal)


def _place(name, index, columns, status):
    """Where a refusal goes: the status if the file publishes, else the whole object."""
    publishes = status != Status.PUBLISHED and columns["status"] == Status.PUBLISHED
    return f"{name}[{index}].status" if publishes else f"{name}[{index}]"


def _report_links_changed(report_id, values):
    """{"debates": ..., "quotes": ...} for the links of a stored report the file changes."""
    changed = {}
    debates = Report.debates.through.objects.filter(report_id=report_id)
    if set(debates.values_list("debate__slug", flat=True)) != set(values.get("debates") or ()):
        changed["debates"] = values.get("debates")
    quotes = FeaturedQuote.objects.filter(report_id=report_id).order_by("order", "id")
    keys = [
        key or synthetic_key(statement_id)
        for key, statement_id in quotes.values_list("statement__key", "statement_id")
    ]
    if keys != list(values.get("quotes") or ()):
        changed["quotes"] = values.get("quotes")
    return changed
