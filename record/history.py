"""The history an import writes: one historical row per row it creates, updates or deletes.

An import writes in bulk, so it records its history in bulk too, into django-simple-
history's own tables (``Historical<Model>``): the tracked columns are copied inside the
database, ``INSERT INTO historical ... SELECT ... FROM table WHERE id IN (...)``, a batch
of ids per statement. Nothing is read back into Python, so a million statements cost no
memory and little time beyond the copy itself. Rows created or updated are recorded
after they are written, rows deleted before they are deleted, with their old values.

Every row of one import has the same moment, actor and reason: who ran it (the admin
user, or "command line (<OS user>)", decided in ``debates.history``) and why ("import of
<file>", and the reason the caller gave).
"""

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from debates.history import actor_for

from .check import CHUNK

CREATED, UPDATED, DELETED = "+", "~", "-"


def import_reason(name=None, reason=None):
    """The change reason of an import of the file ``name``, with the caller's ``reason``."""
    text = _("import of %(file)s") % {"file": name} if name else _("import")
    return f"{text}: {reason}" if reason else text


class ImportHistory:
    """Records the rows one import writes: who, when, why, and the rows' values."""

    def __init__(self, user=None, reason=""):
        self.date = timezone.now()
        self.actor = actor_for(user)
        self.user_id = user.pk if getattr(user, "is_authenticated", False) else None
        self.reason = reason
        self.rows = 0
        self._sql = {}

    def created(self, model, ids):
        self.record(model, ids, CREATED)

    def updated(self, model, ids):
        self.record(model, ids, UPDATED)

    def deleted(self, model, ids):
        """Call before deleting: the historical rows keep the values being deleted."""
        self.record(model, ids, DELETED)

    def record(self, model, ids, history_type):
        """Copy the rows ``ids`` (a list, or a range of consecutive ids) into the history."""
        if not ids:
            return
        with connection.cursor() as cursor:
            self.prepare(model, history_type)(cursor, ids)
        self.rows += len(ids)

    def prepare(self, model, history_type):
        """A function of (cursor, ids) that records rows ``ids`` of ``model``.

        It needs no more of Django than the ``cursor``: a database cursor of another
        thread may run it (``write.StatementInserter``); it does not count ``rows``.
        """
        stamp = self._stamp(model, history_type)
        between = self._insert_select(model, "BETWEEN %s AND %s")
        select = self._insert_select(model, "")

        def record(cursor, ids):
            if isinstance(ids, range):
                cursor.execute(between, [*stamp, ids[0], ids[-1]])
                return
            ids = list(ids)
            for start in range(0, len(ids), CHUNK):
                chunk = ids[start : start + CHUNK]
                condition = "IN ({})".format(", ".join(["%s"] * len(chunk)))
                cursor.execute(select + condition, [*stamp, *chunk])

        return record

    def _stamp(self, model, history_type):
        date = model.history.model._meta.get_field("history_date")
        return [
            date.get_db_prep_save(self.date, connection),
            history_type,
            self.reason,
            self.actor,
            self.user_id,
        ]

    def _insert_select(self, model, condition):
        """``INSERT INTO historical (...) SELECT ... WHERE id <condition>``."""
        if model not in self._sql:
            historical = model.history.model
            quote = connection.ops.quote_name
            tracked = [
                quote(model._meta.get_field(f.name).column) for f in historical.tracked_fields
            ]
            stamp = ["history_date", "history_type", "history_change_reason", "actor"]
            columns = [*tracked, *(quote(name) for name in stamp), quote("history_user_id")]
            # PostgreSQL takes a bare parameter in a SELECT list as text: give its type.
            # (SQLite needs none, and would cast a date "AS datetime" to a number.)
            values = [*tracked, *(_parameter(historical, name) for name in stamp)]
            values.append(_parameter(historical, "history_user"))
            self._sql[model] = "INSERT INTO {} ({}) SELECT {} FROM {} WHERE {} ".format(
                quote(historical._meta.db_table),
                ", ".join(columns),
                ", ".join(values),
                quote(model._meta.db_table),
                quote(model._meta.pk.column),
            )
        return self._sql[model] + condition


def _parameter(model, name):
    if connection.vendor != "postgresql":
        return "%s"
    field = model._meta.get_field(name)
    db_type = (
        field.target_field.rel_db_type(connection)
        if field.is_relation
        else field.cast_db_type(connection)
    )
    return f"CAST(%s AS {db_type})"
