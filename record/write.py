"""Phase 3 of an import: carry out a checked Plan, with bulk writes only.

Objects are created and updated kind by kind, each created object's id entered in the
plan so that what refers to it can be written; statements are read from the file a
second time, debate by debate, and only those the plan creates or changes are written.
"""

import csv
import io
import json
import queue
import threading
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db import connection, models
from django.utils import timezone
from django.utils.translation import gettext as _

from debates import search
from debates.history import actor_for
from debates.models import (
    Consent,
    Debate,
    Participant,
    Position,
    Programme,
    Statement,
    Status,
    Topic,
)
from reports.models import FeaturedQuote, Report

from . import parse, schema
from .check import (
    CHUNK,
    debate_columns,
    position_columns,
    record_columns,
    report_columns,
    rows_multi,
    statement_columns,
)
from .exporter import synthetic_key
from .history import CREATED
from .schema import CONSENT_FIELDS, POSITION_FIELDS, STATEMENT_FIELDS

BATCH = 2000

# The models an import writes, each with its history.
TRACKED = [Programme, Topic, Position, Participant, Debate, Statement, Report, FeaturedQuote]

KINDS = [
    "programmes",
    "topics",
    "positions",
    "participants",
    "consents",
    "debates",
    "statements",
    "reports",
]


@dataclass
class Summary:
    """What an import created, updated and deleted, by kind (programmes, debates, ...)."""

    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    deleted: Counter = field(default_factory=Counter)

    def totals(self):
        return sum(self.created.values()), sum(self.updated.values()), sum(self.deleted.values())

    def lines(self):
        lines = []
        for kind in KINDS:
            counts = (self.created[kind], self.updated[kind], self.deleted[kind])
            if any(counts):
                lines.append(
                    _("%(kind)s: %(created)d created, %(updated)d updated, %(deleted)d deleted")
                    % {
                        "kind": kind,
                        "created": counts[0],
                        "updated": counts[1],
                        "deleted": counts[2],
                    }
                )
        created, updated, deleted = self.totals()
        lines.append(
            _("%(created)d created, %(updated)d updated, %(deleted)d deleted")
            % {"created": created, "updated": updated, "deleted": deleted}
        )
        return lines

    def __str__(self):
        return "\n".join(self.lines())


class Writer:
    def __init__(self, source, plan, history, progress=None):
        self.source = source
        self.plan = plan
        self.history = history
        self.progress = progress
        self.summary = Summary()
        self.updated = {}
        # Tables written, for ANALYZE.
        self.tables = set()
        # Debates whose public page changes without a change of their own row: their
        # statements or speakers changed (see touch_debates).
        self.touched_debates = set()
        self.updated_participants = []

    def run(self):
        plan = self.plan
        self._upsert("programmes", Programme, schema.PROGRAMME, self._plain)
        self._upsert("topics", Topic, schema.TOPIC, self._plain)
        self._write_positions()
        self._upsert("participants", Participant, schema.PARTICIPANT, self._participant)
        self._write_consents()
        self._upsert("debates", Debate, schema.DEBATE, self._debate, stamp=True)
        self._clear_changed_quotes()
        self._delete_stale_statements()
        self._write_statements()
        if plan.stale_positions:
            self._delete(Position, [row["id"] for _i, row in plan.stale_positions])
            self.summary.deleted["positions"] += len(plan.stale_positions)
            self.tables.add(Position)
        self._upsert("reports", Report, schema.REPORT, self._report, stamp=True)
        self._write_report_links()
        self._touch_debates()
        return self.summary

    def _touch_debates(self):
        """Date the change of debates whose statements or speakers the import changed.

        Their ``updated_at`` is the sitemap's lastmod; debates whose own fields changed
        were dated when written.
        """
        ids = sorted(self.touched_debates)
        for start in range(0, len(ids), CHUNK):
            Debate.objects.filter(id__in=ids[start : start + CHUNK]).touch()
        people = self.updated_participants
        for start in range(0, len(people), CHUNK):
            Debate.objects.of_participants(people[start : start + CHUNK]).touch()

    # Objects kept in the plan ----------------------------------------------------

    def _upsert(self, kind, model, item_schema, columns_of, stamp=False):
        existing = self.plan.existing[kind]
        to_create, to_update, corrected = [], [], []
        now = timezone.now()
        for slug, upsert in getattr(self.plan, kind).items():
            columns = columns_of(item_schema, upsert.values)
            if upsert.row is None:
                to_create.append(model(slug=slug, **columns))
            elif upsert.changed(columns):
                obj = model(id=upsert.row["id"], slug=slug, **columns)
                if stamp:
                    obj.updated_at = now
                to_update.append(obj)
                if _corrects(model, columns, upsert.row):
                    corrected.append(obj.pk)
        for obj in model.objects.bulk_create(to_create, batch_size=BATCH):
            existing[obj.slug] = {"id": obj.pk}
        self.history.created(model, [obj.pk for obj in to_create])
        if to_update:
            model.objects.bulk_update(
                to_update,
                [*columns, "updated_at"] if stamp else list(columns),
                batch_size=BATCH,
            )
            if corrected:
                model.objects.filter(pk__in=corrected).update(corrected_on=timezone.localdate())
            self.history.updated(model, [obj.pk for obj in to_update])
        if to_create or to_update:
            self.tables.add(model)
        self.summary.created[kind] += len(to_create)
        self.summary.updated[kind] += len(to_update)
        self.updated[kind] = {obj.slug for obj in to_update}
        if model is Participant:
            self.updated_participants = [obj.pk for obj in to_update]

    def _write_consents(self):
        """Add each consent the file gives that its participant does not have yet."""
        plan = self.plan
        given = {
            plan.id_of("participants", slug): upsert.values["consent"]
            for slug, upsert in plan.participants.items()
            if upsert.values.get("consent")
        }
        if not given:
            return
        have = {
            (row["participant_id"], *(row[name] for name in CONSENT_FIELDS))
            for row in rows_multi(
                Consent.objects, "participant_id", given, ["participant_id", *CONSENT_FIELDS]
            )
        }
        recorded_by = actor_for(plan.user)
        new = [
            Consent(participant_id=participant_id, recorded_by=recorded_by, **columns)
            for participant_id, consent in given.items()
            for columns in [record_columns(schema.CONSENT, consent)]
            if (participant_id, *(columns[name] for name in CONSENT_FIELDS)) not in have
        ]
        Consent.objects.bulk_create(new, batch_size=BATCH)
        self.summary.created["consents"] += len(new)

    def _plain(self, item_schema, values):
        return record_columns(item_schema, values)

    def _participant(self, item_schema, values):
        province = values["province"]
        return {
            **record_columns(item_schema, values),
            "province_id": None if province is None else self.plan.provinces[province],
        }

    def _debate(self, item_schema, values):
        return debate_columns(self.plan, values)

    def _report(self, item_schema, values):
        return report_columns(self.plan, values)

    def _write_positions(self):
        plan = self.plan
        to_create, to_update = [], []
        for slug, upsert in plan.topics.items():
            topic_id = plan.id_of("topics", slug)
            existing = plan.positions.setdefault(topic_id, {})
            for order, position in enumerate(upsert.values["positions"]):
                columns = position_columns(topic_id, order, position)
                row = existing.get(position["slug"])
                if row is None:
                    to_create.append(Position(slug=position["slug"], **columns))
                elif any(columns[name] != row[name] for name in POSITION_FIELDS):
                    to_update.append(Position(id=row["id"], slug=position["slug"], **columns))
        for position in Position.objects.bulk_create(to_create, batch_size=BATCH):
            plan.positions[position.topic_id][position.slug] = {"id": position.pk}
        self.history.created(Position, [position.pk for position in to_create])
        Position.objects.bulk_update(to_update, POSITION_FIELDS, batch_size=BATCH)
        self.history.updated(Position, [position.pk for position in to_update])
        if to_create or to_update:
            self.tables.add(Position)
        self.summary.created["positions"] += len(to_create)
        self.summary.updated["positions"] += len(to_update)

    # Statements, read again from the file ----------------------------------------

    def _clear_changed_quotes(self):
        """Remove the featured quotes of the file's reports whose quotes change.

        Done before statements are deleted: a statement a report stops featuring may go.
        """
        plan = self.plan
        existing = defaultdict(list)
        report_ids = [upsert.row["id"] for upsert in plan.reports.values() if upsert.row]
        for row in rows_multi(
            FeaturedQuote.objects.order_by("order", "id"),
            "report_id",
            report_ids,
            ["report_id", "statement__key", "statement_id", "order"],
        ):
            existing[row["report_id"]].append(row)
        for slug, upsert in plan.reports.items():
            if upsert.row is None:
                continue
            quotes = sorted(existing[upsert.row["id"]], key=lambda row: row["order"])
            keys = [row["statement__key"] or synthetic_key(row["statement_id"]) for row in quotes]
            if keys != upsert.values["quotes"]:
                plan.quotes_changed.add(slug)
        changed_ids = [plan.reports[slug].row["id"] for slug in plan.quotes_changed]
        if changed_ids:
            quotes = FeaturedQuote.objects.filter(report_id__in=changed_ids)
            self._delete(FeaturedQuote, list(quotes.values_list("id", flat=True)))

    def _delete_stale_statements(self):
        stale = list(self.plan.stale_statements)
        for start in range(0, len(stale), CHUNK):
            self.touched_debates.update(
                Statement.objects.filter(id__in=stale[start : start + CHUNK])
                .values_list("debate_id", flat=True)
                .distinct()
            )
        self._delete(Statement, stale)
        if stale:
            self.tables.add(Statement)
        self.summary.deleted["statements"] += len(stale)

    def _write_statements(self):
        plan = self.plan
        debates = {debate.index: debate for debate in plan.debates.values()}
        if not any(debate.writes_statements for debate in debates.values()):
            if self.progress:
                self.progress.advance(plan.statement_count)
            return
        self.quoted = {key for report in plan.reports.values() for key in report.values["quotes"]}
        inserter = StatementInserter(self.history)
        try:
            self._read_statements(debates, inserter)
        except BaseException:
            inserter.stop()  # what failed here is raised; the transaction rolls back
            raise
        inserter.close()
        for key, statement_id in inserter.quoted_ids.items():
            self.plan.quoted_ids[key] = statement_id

    def _read_statements(self, debates, inserter):
        """Read the file's statements again, handing those to write to ``inserter``."""
        plan = self.plan
        structure = schema.Checker([])
        to_create, to_update = [], []
        for index, item in enumerate(parse.items(self.source, "debates")):
            debate = debates.get(index)
            statements = item.get("statements") or ()
            if debate is None or not debate.writes_statements:
                if self.progress:
                    self.progress.advance(len(statements))
                continue
            debate_id = plan.id_of("debates", debate.slug)
            topic_id = plan.id_of("topics", debate.values["topic"])
            if debate.row is not None:
                self.touched_debates.add(debate_id)
            for number, statement in enumerate(statements):
                existing_id = debate.statement_ids[number]
                if existing_id and number not in debate.changed_statements:
                    continue
                values = structure.check_object(statement, schema.STATEMENT, "")
                columns = statement_columns(plan, values, debate_id, topic_id, number)
                if existing_id:
                    statement = Statement(id=existing_id, **columns)
                    if number in debate.corrected_statements:
                        statement.corrected_on = timezone.localdate()
                    to_update.append(statement)
                else:
                    to_create.append(columns)
            if len(to_create) >= BATCH:
                self._create_statements(inserter, to_create)
                to_create = []
            if len(to_update) >= BATCH:
                self._update_statements(inserter, to_update)
                to_update = []
            if self.progress:
                self.progress.advance(len(statements))
        self._create_statements(inserter, to_create)
        self._update_statements(inserter, to_update)

    def _create_statements(self, inserter, statements):
        if not statements:
            return
        # A raw insert: the search document is set here (bulk_update sets its own).
        for columns in statements:
            columns["search_document"] = search.document(
                columns[name] for name in Statement.SEARCH_SOURCES
            )
        inserter.insert(statements, self.quoted)
        self.summary.created["statements"] += len(statements)
        self.tables.add(Statement)

    def _update_statements(self, inserter, statements):
        if not statements:
            return
        inserter.wait()  # the connection is this thread's again
        corrected = [statement for statement in statements if statement.corrected_on]
        for group, fields in (
            ([s for s in statements if not s.corrected_on], STATEMENT_FIELDS),
            (corrected, [*STATEMENT_FIELDS, "corrected_on"]),
        ):
            Statement.objects.bulk_update(group, fields, batch_size=BATCH)
        self.history.updated(Statement, [statement.pk for statement in statements])
        self.summary.updated["statements"] += len(statements)
        self.tables.add(Statement)

    # Reports' debates and quotes -------------------------------------------------

    def _write_report_links(self):
        plan = self.plan
        through = Report.debates.through
        existing = defaultdict(set)
        report_ids = [upsert.row["id"] for upsert in plan.reports.values() if upsert.row]
        for row in rows_multi(through.objects, "report_id", report_ids, ["report_id", "debate_id"]):
            existing[row["report_id"]].add(row["debate_id"])
        links, quotes, changed = [], [], set()
        for slug, upsert in plan.reports.items():
            report_id = plan.id_of("reports", slug)
            debate_ids = {plan.id_of("debates", s) for s in upsert.values["debates"]}
            is_new = upsert.row is None
            if debate_ids != existing[report_id]:
                if not is_new:
                    through.objects.filter(report_id=report_id).delete()
                    changed.add(slug)
                links.extend(through(report_id=report_id, debate_id=pk) for pk in debate_ids)
            if is_new or slug in plan.quotes_changed:
                changed.add(slug)
                quotes.extend(
                    FeaturedQuote(
                        report_id=report_id, statement_id=plan.quoted_ids[key], order=order
                    )
                    for order, key in enumerate(upsert.values["quotes"])
                )
        through.objects.bulk_create(links, batch_size=BATCH)
        FeaturedQuote.objects.bulk_create(quotes, batch_size=BATCH)
        self.history.created(FeaturedQuote, [quote.pk for quote in quotes])
        # A report whose debates or quotes changed is updated, even if its fields are not.
        newly = {slug for slug in changed if plan.reports[slug].row} - self.updated["reports"]
        if newly:
            ids = [plan.reports[s].row["id"] for s in newly]
            Report.objects.filter(id__in=ids).update(updated_at=timezone.now())
            self.history.updated(Report, ids)
        self.summary.updated["reports"] += len(newly)

    def _delete(self, model, ids):
        """Delete rows by id, after recording their old values in the history.

        A raw delete: the ORM's delete would fetch every row and record each one's
        history row by row. What still refers to a deleted row is refused by the
        database's foreign keys, as the plan has already made sure nothing does.
        """
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            self.history.deleted(model, chunk)
            queryset = model.objects.filter(id__in=chunk)
            queryset._raw_delete(queryset.db)


# Columns whose Python values the database driver takes as they are.
_PLAIN = (models.CharField, models.TextField, models.IntegerField, models.ForeignKey)


def _corrects(model, columns, row):
    """Whether updating a published ``row`` with ``columns`` corrects what the public reads."""
    if not hasattr(model, "corrects") or "status" not in row:
        return False
    changed = [name for name, value in columns.items() if value != row[name]]
    return model.corrects(changed, row["status"] == Status.PUBLISHED)


class StatementInserter:
    """Inserts new statements in batches and records them in the history.

    On PostgreSQL a second thread has the database insert each batch (COPY, then the
    history copied inside the database, foreign keys checked at once) while this one
    reads and checks the next from the file: the database and Python work at the same
    time, on two cores, rather than in turn, and nothing is left to check at commit.
    Elsewhere each batch is inserted as it comes. At most two batches wait, so memory
    stays bounded. Existing statements are updated by the import's own thread, after
    ``wait()``: the connection is used by one thread at a time.
    """

    def __init__(self, history):
        self.history = history
        # Statements reports feature: key -> new id.
        self.quoted_ids = {}
        self.threaded = connection.vendor == "postgresql"
        self.error = None
        if not self.threaded:
            return
        # Prepared here: the other thread uses the connection, not Django's wrapper.
        self.copy = _Copy(Statement)
        self.history_sql = history.prepare(Statement, CREATED)
        with connection.cursor() as cursor:
            # Checked as each batch is written, in the other thread, not all at commit.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        self.queue = queue.Queue(maxsize=2)
        self.thread = threading.Thread(
            target=self._work, args=(connection.connection,), daemon=True
        )
        self.thread.start()

    def insert(self, rows, quoted):
        if not self.threaded:
            ids = insert_rows(Statement, rows)
            self.history.created(Statement, ids)
            self._note_quoted(rows, ids, quoted)
            return
        self._raise()
        self.queue.put((self.copy.prepare(rows), rows, quoted))
        self.history.rows += len(rows)

    def wait(self):
        """Return once every batch handed over is written (and raise what failed)."""
        if self.threaded:
            self.queue.join()
            self._raise()

    def close(self):
        """Return once every batch is written (and raise what failed)."""
        if self.threaded:
            self.stop()
            self._raise()
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")

    def stop(self):
        """End the other thread, once it has finished what it was given."""
        if self.threaded and self.thread.is_alive():
            self.queue.put(None)
            self.thread.join()

    def _raise(self):
        if self.error is not None:
            error, self.error = self.error, None
            # As Django's own cursor would raise it (IntegrityError, ...).
            with connection.wrap_database_errors:
                raise error

    def _work(self, raw_connection):
        with raw_connection.cursor() as cursor:
            while (task := self.queue.get()) is not None:
                try:
                    if self.error is None:
                        payload, rows, quoted = task
                        ids = self.copy.write(cursor, payload, len(rows))
                        self.history_sql(cursor, ids)
                        self._note_quoted(rows, ids, quoted)
                except Exception as error:  # raised in the import's thread
                    self.error = error
                finally:
                    self.queue.task_done()
            self.queue.task_done()

    def _note_quoted(self, rows, ids, quoted):
        if quoted:
            for row, statement_id in zip(rows, ids, strict=True):
                if row["key"] in quoted:
                    self.quoted_ids[row["key"]] = statement_id


def _written_fields(model):
    """The columns an insert gives values: not the id, nor what the database computes."""
    return [
        f
        for f in model._meta.concrete_fields
        if not f.primary_key and not getattr(f, "generated", False)
    ]


class _Copy:
    """New rows of ``model`` written with PostgreSQL's COPY, ids taken first.

    COPY takes CSV; the ids are taken from the table's sequence beforehand, since COPY
    returns none. Values are written as ``bulk_create`` would convert them.
    """

    def __init__(self, model):
        self.model = model
        self.fields = _written_fields(model)
        self.names = [f.attname for f in self.fields]
        self.defaults = {f.attname: self.convert(f, f.get_default()) for f in self.fields}
        quote = connection.ops.quote_name
        table = model._meta.db_table
        nullable = [quote(f.column) for f in self.fields if f.null]
        columns = [quote(model._meta.pk.column), *(quote(f.column) for f in self.fields)]
        # An empty quoted value is NULL in the columns that may be NULL: the csv module
        # writes None as "". Such a column then must not hold "" (checked in prepare).
        self.sql = "COPY {} ({}) FROM STDIN WITH (FORMAT csv{})".format(
            quote(table),
            ", ".join(columns),
            f", FORCE_NULL ({', '.join(nullable)})" if nullable else "",
        )
        self.nullable_text = [
            self.names.index(f.attname)
            for f in self.fields
            if f.null and isinstance(f, models.CharField | models.TextField)
        ]
        self.prepared = [f for f in self.fields if not isinstance(f, _PLAIN)]
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, model._meta.pk.column])
            self.sequence = cursor.fetchone()[0]

    @staticmethod
    def convert(field, value):
        """``value`` as COPY's CSV takes it: JSON as its text, not the driver's adapter."""
        if isinstance(field, models.JSONField):
            return json.dumps(value, cls=field.encoder, ensure_ascii=False)
        return field.get_db_prep_save(value, connection)

    def prepare(self, rows):
        """The rows (dicts of column values by attname) as tuples in column order."""
        names, defaults = self.names, self.defaults
        values = []
        for row in rows:
            for column in self.prepared:
                name = column.attname
                if name in row:
                    row[name] = self.convert(column, row[name])
            values.append([row[name] if name in row else defaults[name] for name in names])
        for index in self.nullable_text:
            if any(value[index] == "" for value in values):
                raise ValueError(f"COPY would store {names[index]} '' as NULL")
        return values

    def write(self, cursor, values, count):
        """Insert prepared ``values`` with the raw ``cursor``; return their new ids."""
        cursor.execute("SELECT nextval(%s) FROM generate_series(1, %s)", [self.sequence, count])
        ids = [row[0] for row in cursor.fetchall()]
        if ids == list(range(ids[0], ids[0] + count)):
            ids = range(ids[0], ids[0] + count)
        buffer = io.StringIO()
        writer = csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n")
        for statement_id, row in zip(ids, values, strict=True):
            row.insert(0, statement_id)
        writer.writerows(values)
        buffer.seek(0)
        cursor.copy_expert(self.sql, buffer)
        return ids


def insert_rows(model, rows):
    """Insert ``rows`` (dicts of column values by attname) without building models.

    The bulk of a large import on SQLite: a plain INSERT of many rows per statement, a
    third of the time ``bulk_create`` takes. Columns the rows leave out get their
    field's default; values of other than plain text and number columns go through their
    field's conversion (JSON, dates), as ``bulk_create`` would. Returns the new rows' ids.
    """
    fields = _written_fields(model)
    given = set(rows[0])
    defaults = {
        f.attname: f.get_db_prep_save(f.get_default(), connection)
        for f in fields
        if f.attname not in given
    }
    prepared = [f for f in fields if f.attname in given and not isinstance(f, _PLAIN)]
    names = [f.attname for f in fields]
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ".format(
        quote(model._meta.db_table), ", ".join(quote(f.column) for f in fields)
    )
    values = []
    for row in rows:
        for convert in prepared:
            row[convert.attname] = convert.get_db_prep_save(row[convert.attname], connection)
        values.append(tuple(row[name] if name in row else defaults[name] for name in names))
    with connection.cursor() as cursor:
        placeholders = "(" + ", ".join(["%s"] * len(names)) + ")"
        cursor.executemany(sql + placeholders, values)
        # SQLite numbers the rows of one executemany one after another (the connection
        # holds the write lock from the first row on), ending at its last_insert_rowid.
        cursor.execute("SELECT last_insert_rowid()")
        last = cursor.fetchone()[0]
        return range(last - len(values) + 1, last + 1)


def write(source, plan, history, progress=None):
    """Carry out ``plan``, recording it in ``history`` (an ImportHistory).

    Return (Summary, the models whose tables were written).
    """
    writer = Writer(source, plan, history, progress)
    summary = writer.run()
    return summary, writer.tables
