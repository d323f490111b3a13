"""Import a debate record file: parse, check everything, then write it all or nothing.

Every problem is collected as ``path: message`` before anything is written; a file with
any problem raises ``RecordError`` and leaves the database as it was. Records are matched
by slug (positions by slug within their topic, statements by key, else by their place
among the debate's keyless statements), so importing the same file twice changes nothing.

The database is read with one query per table (in chunks for long lists of slugs) and
written with bulk inserts and updates: no query per row.
"""

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from debates.models import (
    Debate,
    Participant,
    Position,
    Programme,
    Province,
    Statement,
    Status,
    Topic,
)
from reports.models import FeaturedQuote, Report, featured_quote_problem

from . import schema
from .errors import RecordError
from .exporter import synthetic_key
from .schema import (
    DEBATE_FIELDS,
    PARTICIPANT_FIELDS,
    POSITION_FIELDS,
    PROGRAMME_FIELDS,
    REPORT_FIELDS,
    STATEMENT_FIELDS,
    TOPIC_FIELDS,
)

BATCH = 2000
# Slugs per IN (...) lookup; SQLite allows a few thousand parameters at most.
CHUNK = 900

# What a reference to a missing object says, by the list it should be in.
MISSING = {
    "programmes": lambda: _("no programme '%(slug)s'"),
    "topics": lambda: _("no topic '%(slug)s'"),
    "participants": lambda: _("no participant '%(slug)s'"),
    "debates": lambda: _("no debate '%(slug)s'"),
}

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

KINDS = [
    "programmes",
    "topics",
    "positions",
    "participants",
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


def parse(text):
    """The JSON document in ``text`` (str or bytes), or RecordError with line and column."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise RecordError(
                [_("byte %(byte)d: not UTF-8 text") % {"byte": error.start}]
            ) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise RecordError(
            [
                _("line %(line)d, column %(column)d: not JSON (%(problem)s)")
                % {"line": error.lineno, "column": error.colno, "problem": error.msg}
            ]
        ) from None


def import_record(text, user=None):
    """Import the file content ``text``; return a Summary or raise RecordError.

    With ``user`` (an admin upload), what the file would do must also be what the user
    may do in the admin: an import is no way round a missing permission.
    """
    with transaction.atomic():
        # The parsed document is dropped once checked: the checked values are kept instead.
        importer = Importer(parse(text))
        importer.check()
        if user is not None:
            importer.check_permissions(user)
        if importer.errors:
            raise RecordError(importer.errors)
        return importer.write()


def _rows(queryset, field_name, values, fields):
    """Rows of ``queryset`` whose ``field_name`` is in ``values``, by that value."""
    values = sorted({value for value in values if value is not None})
    found = {}
    for start in range(0, len(values), CHUNK):
        chunk = values[start : start + CHUNK]
        for row in queryset.filter(**{f"{field_name}__in": chunk}).order_by().values(*fields):
            found[row[field_name]] = row
    return found


def _changed(values, row, fields):
    return any(values[name] != row[name] for name in fields)


# A quoted statement of a debate whose statements could not be checked.
_UNCHECKED = object()


class Importer:
    def __init__(self, data):
        self.errors = []
        self.checker = schema.Checker(self.errors)
        self.lists = self._check_top(data)
        self.summary = Summary()

    def error(self, path, message):
        self.errors.append(f"{path}: {message}")

    # Structure -------------------------------------------------------------------

    def _check_top(self, data):
        lists = {name: [] for name, _schema in schema.LISTS}
        if not isinstance(data, dict):
            self.error(
                _("(top level)"),
                _("expected an object, got %(type)s") % {"type": schema._type_name(data)},
            )
            return lists
        for name in data:
            if name not in schema.TOP_KEYS:
                self.error(name, _("unknown key"))
        if "format" not in data:
            self.error("format", _("required: '%(format)s'") % {"format": schema.FORMAT})
        elif data["format"] != schema.FORMAT:
            self.error(
                "format",
                _("expected '%(format)s', got %(value)s")
                % {"format": schema.FORMAT, "value": _show(data["format"])},
            )
        for name, item_schema in schema.LISTS:
            items = data.get(name)
            if items is None:
                continue
            if not isinstance(items, list):
                self.error(
                    name, _("expected a list, got %(type)s") % {"type": schema._type_name(items)}
                )
                continue
            lists[name] = [
                self.checker.check_object(item, item_schema, f"{name}[{index}]")
                for index, item in enumerate(items)
            ]
        return lists

    def _indexed(self, name):
        """(index, values) of the well-formed objects of list ``name``."""
        return [(index, values) for index, values in enumerate(self.lists[name]) if values]

    def _unique_slugs(self, name):
        """Objects of list ``name`` by slug; a second object with a slug is an error."""
        by_slug = {}
        for index, values in self._indexed(name):
            slug = values.get("slug")
            if slug is None:
                continue
            if slug in by_slug:
                self.error(
                    f"{name}[{index}].slug",
                    _("duplicate slug '%(slug)s' (also %(other)s)")
                    % {"slug": slug, "other": f"{name}[{by_slug[slug][0]}]"},
                )
                continue
            by_slug[slug] = (index, values)
        return by_slug

    # Checks ----------------------------------------------------------------------

    def check(self):
        self.file = {name: self._unique_slugs(name) for name, _schema in schema.LISTS}
        self._load()
        self._check_programmes()
        self._check_topics()
        self._check_participants()
        self._check_debates()
        self._check_reports()

    def _load(self):
        """Read what the file's slugs and keys name from the database, one query a table."""
        self.provinces = dict(Province.objects.values_list("code", "id"))

        def slugs(name, *ref_keys):
            found = set(self.file[name])
            for list_name, key in ref_keys:
                for _index, values in self._indexed(list_name):
                    value = values.get(key)
                    if isinstance(value, list):
                        found.update(value)
                    elif value is not None:
                        found.add(value)
            return found

        self.db_programmes = _rows(
            Programme.objects,
            "slug",
            slugs("programmes", ("debates", "programme"), ("reports", "programme")),
            ["id", "slug", *PROGRAMME_FIELDS],
        )
        self.db_topics = _rows(
            Topic.objects,
            "slug",
            slugs("topics", ("debates", "topic")),
            ["id", "slug", *TOPIC_FIELDS],
        )
        participant_slugs = slugs("participants", ("debates", "moderator"))
        for _index, debate in self._indexed("debates"):
            participant_slugs.update(
                statement.get("speaker") for statement in debate.get("statements", ()) if statement
            )
        self.db_participants = _rows(
            Participant.objects,
            "slug",
            participant_slugs,
            ["id", "slug", *PARTICIPANT_FIELDS],
        )
        self.db_debates = _rows(
            Debate.objects,
            "slug",
            slugs("debates", ("reports", "debates")),
            ["id", "slug", *DEBATE_FIELDS],
        )
        self.db_reports = _rows(
            Report.objects, "slug", self.file["reports"], ["id", "slug", *REPORT_FIELDS]
        )

        topic_ids = [row["id"] for row in self.db_topics.values()]
        self.db_positions = defaultdict(dict)  # topic id -> slug -> row
        for row in _rows_multi(
            Position.objects, "topic_id", topic_ids, ["id", "slug", *POSITION_FIELDS]
        ):
            self.db_positions[row["topic_id"]][row["slug"]] = row

        # Existing statements of the file's debates, in spoken order.
        self.file_debate_ids = {
            self.db_debates[slug]["id"] for slug in self.file["debates"] if slug in self.db_debates
        }
        self.db_statements = defaultdict(list)
        for row in _rows_multi(
            Statement.objects.order_by("order", "id"),
            "debate_id",
            self.file_debate_ids,
            ["id", *STATEMENT_FIELDS],
        ):
            self.db_statements[row["debate_id"]].append(row)

        # Statements anywhere in the database holding a key the file uses.
        keys = set()
        for _index, debate in self._indexed("debates"):
            keys.update(s.get("key") for s in debate.get("statements", ()) if s)
        for _index, report in self._indexed("reports"):
            keys.update(report.get("quotes", ()))
        self.db_keys = _rows(
            Statement.objects,
            "key",
            keys,
            ["key", "id", "debate_id", "text", "debate__slug", "debate__title", "debate__status"],
        )

    def _check_programmes(self):
        for index, values in self._indexed("programmes"):
            try:
                Programme(
                    started_on=values.get("started_on"), ended_on=values.get("ended_on")
                ).clean()
            except ValidationError as error:
                for name, messages in error.message_dict.items():
                    self.error(f"programmes[{index}].{name}", messages[0])

    def _check_topics(self):
        # Slugs of each topic's positions after the import, by topic slug.
        self.positions_of = {
            slug: set(self.db_positions.get(row["id"], ())) for slug, row in self.db_topics.items()
        }
        self.stale_positions = []
        for index, values in self._indexed("topics"):
            slug = values.get("slug")
            seen = {}
            for position_index, position in enumerate(values.get("positions", [])):
                if not position or "slug" not in position:
                    continue
                if position["slug"] in seen:
                    self.error(
                        f"topics[{index}].positions[{position_index}].slug",
                        _("duplicate slug '%(slug)s' (also %(other)s)")
                        % {
                            "slug": position["slug"],
                            "other": f"topics[{index}].positions[{seen[position['slug']]}]",
                        },
                    )
                seen.setdefault(position["slug"], position_index)
            if not self._owns("topics", slug, index):
                continue
            if "positions" not in values:
                # Not a list, and reported: statements are not checked against them.
                self.positions_of[slug] = None
                continue
            self.positions_of[slug] = set(seen)
            if slug in self.db_topics:
                for position_slug, row in self.db_positions[self.db_topics[slug]["id"]].items():
                    if position_slug not in seen:
                        self.stale_positions.append((index, row))
        self._check_stale_positions()

    def _check_stale_positions(self):
        if not self.stale_positions:
            return
        ids = {row["id"]: (index, row) for index, row in self.stale_positions}
        users = defaultdict(set)
        for row in _rows_multi(
            Statement.objects, "position_id", ids, ["position_id", "debate_id", "debate__slug"]
        ):
            # Statements of the file's debates take the positions the file gives them.
            if row["debate_id"] not in self.file_debate_ids:
                users[row["position_id"]].add(row["debate__slug"])
        for position_id, debates in users.items():
            index, row = ids[position_id]
            self.error(
                f"topics[{index}].positions",
                _(
                    "position '%(position)s' is no longer listed, "
                    "but statements of %(debates)s take it"
                )
                % {
                    "position": row["slug"],
                    "debates": ", ".join(
                        _("debate '%(slug)s'") % {"slug": slug} for slug in sorted(debates)
                    ),
                },
            )

    def _check_participants(self):
        for index, values in self._indexed("participants"):
            self._check_province(values, f"participants[{index}]")

    def _check_province(self, values, path):
        code = values.get("province")
        if code is not None and code not in self.provinces:
            self.error(f"{path}.province", _("no province '%(code)s'") % {"code": code})

    def _owns(self, kind, slug, index):
        """Whether object ``index`` of list ``kind`` is the one its slug names."""
        return slug is not None and self.file[kind].get(slug, (None,))[0] == index

    def _exists(self, kind, slug):
        return slug in self.file[kind] or slug in getattr(self, f"db_{kind}")

    def _check_reference(self, values, key, kind, path):
        slug = values.get(key)
        if slug is not None and not self._exists(kind, slug):
            self.error(f"{path}.{key}", MISSING[kind]() % {"slug": slug})

    def _check_debates(self):
        self.file_keys = {}  # key -> (debate values, path, statement values)
        self.statement_plans = {}  # debate index -> [existing row or None per statement]
        self.stale_statements = []  # (path, row)
        self.unchecked_debates = set()
        self.moved = set()
        self.statements_by_id = {
            row["id"]: row for rows in self.db_statements.values() for row in rows
        }
        for index, values in self._indexed("debates"):
            path = f"debates[{index}]"
            self._check_province(values, path)
            self._check_reference(values, "programme", "programmes", path)
            self._check_reference(values, "topic", "topics", path)
            self._check_reference(values, "moderator", "participants", path)
            attendance = values.get("attendance") or {}
            try:
                Debate(
                    attendance_total=attendance.get("total"),
                    attendance_women=attendance.get("women"),
                ).clean()
            except ValidationError as error:
                self.error(f"{path}.attendance.women", error.message_dict["attendance_women"][0])
            self._check_statements(index, values, path)
        self.stale_statements = [
            (path, row) for path, row in self.stale_statements if row["id"] not in self.moved
        ]
        self._check_stale_statements()

    def _moves(self, key):
        """Whether the file moves statement ``key`` from another debate of the file."""
        slug = self.db_keys[key]["debate__slug"]
        return slug in self.file["debates"] and slug not in self.unchecked_debates

    def _check_statements(self, index, values, path):
        topic = values.get("topic")
        positions = self.positions_of.get(topic, set())
        topic_known = self._exists("topics", topic)
        slug = values.get("slug")
        # A debate with a bad or duplicate slug is checked, but matches nothing.
        existing = self.db_debates.get(slug) if self._owns("debates", slug, index) else None
        if "statements" not in values:
            # Not a list, and reported: the debate's statements are left out of the checks.
            self.unchecked_debates.add(slug)
            existing = None
        rows = self.db_statements.get(existing["id"], []) if existing else []
        by_key = {row["key"]: row for row in rows if row["key"]}
        # The exporter names a featured statement without a key by its id: the file's key
        # then matches that statement, which takes the key.
        file_keys = {s.get("key") for s in values.get("statements", ()) if s}
        for row in rows:
            if not row["key"] and synthetic_key(row["id"]) in file_keys:
                by_key[synthetic_key(row["id"])] = row
        claimed = {row["id"] for row in by_key.values()}
        keyless = iter([row for row in rows if row["id"] not in claimed])
        plan = []
        for number, statement in enumerate(values.get("statements", [])):
            where = f"{path}.statements[{number}]"
            if not statement:
                plan.append(None)
                continue
            self._check_reference(statement, "speaker", "participants", where)
            position = statement.get("position")
            if position is not None:
                if topic is None:
                    self.error(
                        f"{where}.position",
                        _("the debate has no topic, so it has no position '%(position)s'")
                        % {"position": position},
                    )
                elif positions is not None and position not in positions and topic_known:
                    self.error(
                        f"{where}.position",
                        _("no position '%(position)s' in topic '%(topic)s'")
                        % {"position": position, "topic": topic},
                    )
            if statement.get("original_text") and not statement.get("original_language"):
                self.error(
                    f"{where}.original_language", _("Give the language of the original text.")
                )
            key = statement.get("key")
            if key is None:
                plan.append(next(keyless, None))
                continue
            if key in self.file_keys:
                self.error(
                    f"{where}.key",
                    _("duplicate key '%(key)s' (also %(other)s)")
                    % {"key": key, "other": self.file_keys[key][1]},
                )
                plan.append(None)
                continue
            self.file_keys[key] = (values, where, statement)
            row = by_key.pop(key, None)
            if row is None and key in self.db_keys and self._moves(key):
                # Its debate is in the file too, without it: the statement moves here.
                row = self.statements_by_id[self.db_keys[key]["id"]]
                self.moved.add(row["id"])
            elif row is None and key in self.db_keys:
                self.error(
                    f"{where}.key",
                    _("'%(key)s' is the key of a statement of debate '%(debate)s'")
                    % {"key": key, "debate": self.db_keys[key]["debate__slug"]},
                )
            plan.append(row)
        self.statement_plans[index] = plan
        self.stale_statements.extend((f"{path}.statements", row) for row in by_key.values())
        self.stale_statements.extend((f"{path}.statements", row) for row in keyless)

    def _check_stale_statements(self):
        if not self.stale_statements and not self.moved:
            return
        stale = {row["id"]: (path, row) for path, row in self.stale_statements}
        for quote in _rows_multi(
            FeaturedQuote.objects,
            "statement_id",
            [*stale, *self.moved],
            ["statement_id", "report__slug"],
        ):
            # A report in the file gets the quotes the file gives it.
            if quote["report__slug"] in self.file["reports"]:
                continue
            if quote["statement_id"] in self.moved:
                row = self.statements_by_id[quote["statement_id"]]
                _debate, where, _statement = self.file_keys[row["key"]]
                self.error(
                    f"{where}.key",
                    _(
                        "statement '%(key)s' moves to this debate, "
                        "but report '%(report)s' features it"
                    )
                    % {"key": row["key"], "report": quote["report__slug"]},
                )
                continue
            path, row = stale[quote["statement_id"]]
            name = f"'{row['key']}'" if row["key"] else _("number %(id)d") % {"id": row["id"]}
            self.error(
                path,
                _(
                    "statement %(statement)s is no longer listed, "
                    "but report '%(report)s' features it"
                )
                % {"statement": name, "report": quote["report__slug"]},
            )

    def _check_reports(self):
        for index, values in self._indexed("reports"):
            path = f"reports[{index}]"
            self._check_reference(values, "programme", "programmes", path)
            debate_slugs = set()
            for position, slug in enumerate(values.get("debates", [])):
                if slug is None:
                    continue
                if slug in debate_slugs:
                    self.error(
                        f"{path}.debates[{position}]",
                        _("debate '%(slug)s' is listed twice") % {"slug": slug},
                    )
                elif not self._exists("debates", slug):
                    self.error(f"{path}.debates[{position}]", MISSING["debates"]() % {"slug": slug})
                debate_slugs.add(slug)
            status = values.get("status")
            keys = set()
            for position, key in enumerate(values.get("quotes", [])):
                if key is None:
                    continue
                where = f"{path}.quotes[{position}]"
                if key in keys:
                    self.error(where, _("statement '%(key)s' is listed twice") % {"key": key})
                    continue
                keys.add(key)
                statement = self._quoted_statement(key)
                if statement is _UNCHECKED:
                    continue
                if statement is None:
                    self.error(where, _("no statement with key '%(key)s'") % {"key": key})
                    continue
                problem = featured_quote_problem(statement, debate_slugs, status)
                if problem:
                    self.error(where, str(problem))

    def _quoted_statement(self, key):
        """The statement ``key`` names as it will be after the import, debate by slug."""
        if key in self.file_keys:
            debate, _where, values = self.file_keys[key]
            slug, title, status = debate.get("slug"), debate.get("title"), debate.get("status")
            text = values.get("text", "")
        elif key in self.db_keys and self.db_keys[key]["debate__slug"] in self.unchecked_debates:
            return _UNCHECKED
        elif key in self.db_keys and self.db_keys[key]["debate__slug"] not in self.file["debates"]:
            row = self.db_keys[key]
            slug, title, status = row["debate__slug"], row["debate__title"], row["debate__status"]
            text = row["text"]
        else:
            return None
        # Debates go by slug here: a debate of the file may not have an id yet.
        statement = Statement(text=text)
        statement.debate = Debate(pk=slug, title=title, status=status)
        return statement

    def check_permissions(self, user):
        for name, _schema in schema.LISTS:
            if self.lists[name] and not user.has_perms(PERMISSIONS[name]):
                self.error(
                    name, _("you do not have permission to import %(list)s") % {"list": name}
                )
        if self.stale_statements and not user.has_perm("debates.delete_statement"):
            path, _row = self.stale_statements[0]
            self.error(
                path,
                _("you do not have permission to delete statements the file no longer lists"),
            )
        if self.stale_positions and not user.has_perm("debates.delete_position"):
            index, _row = self.stale_positions[0]
            self.error(
                f"topics[{index}].positions",
                _("you do not have permission to delete positions the file no longer lists"),
            )
        if user.has_perm("reports.publish_report"):
            return
        for slug, (index, values) in self.file["reports"].items():
            existing = self.db_reports.get(slug)
            if existing and existing["status"] == Status.PUBLISHED:
                self.error(
                    f"reports[{index}]",
                    _("you do not have permission to change a published report"),
                )
            elif values.get("status") == Status.PUBLISHED:
                self.error(
                    f"reports[{index}].status",
                    _("you do not have permission to publish reports"),
                )

    # Writing ---------------------------------------------------------------------

    def write(self):
        ids = {}
        self.updated = {}
        ids["programmes"] = self._upsert(
            "programmes", Programme, self.db_programmes, PROGRAMME_FIELDS, self._programme
        )
        ids["topics"] = self._upsert("topics", Topic, self.db_topics, TOPIC_FIELDS, self._topic)
        self.ids = ids
        self._write_positions()
        ids["participants"] = self._upsert(
            "participants",
            Participant,
            self.db_participants,
            PARTICIPANT_FIELDS,
            self._participant,
        )
        ids["debates"] = self._upsert(
            "debates", Debate, self.db_debates, DEBATE_FIELDS, self._debate, stamp=True
        )
        self._clear_changed_quotes()
        self._write_statements()
        self._delete_stale_positions()
        ids["reports"] = self._upsert(
            "reports", Report, self.db_reports, REPORT_FIELDS, self._report, stamp=True
        )
        self._write_report_links()
        return self.summary

    def _upsert(self, kind, model, existing, fields, values_of, stamp=False):
        """Create and update the file's objects of ``kind``; return every slug's id."""
        ids = {slug: row["id"] for slug, row in existing.items()}
        to_create, to_update = [], []
        now = timezone.now()
        for slug, (_index, record) in self.file[kind].items():
            values = values_of(record)
            row = existing.get(slug)
            if row is None:
                to_create.append(model(slug=slug, **values))
            elif _changed(values, row, fields):
                obj = model(id=row["id"], slug=slug, **values)
                if stamp:
                    obj.updated_at = now
                to_update.append(obj)
        created = model.objects.bulk_create(to_create, batch_size=BATCH)
        ids.update((obj.slug, obj.pk) for obj in created)
        if to_update:
            model.objects.bulk_update(
                to_update, [*fields, "updated_at"] if stamp else fields, batch_size=BATCH
            )
        self.summary.created[kind] += len(to_create)
        self.summary.updated[kind] += len(to_update)
        self.updated[kind] = {obj.slug for obj in to_update}
        return ids

    def _ref(self, kind, slug):
        return None if slug is None else self.ids[kind][slug]

    def _programme(self, record):
        return {name: record[name] for name in PROGRAMME_FIELDS}

    def _topic(self, record):
        return {name: record[name] for name in TOPIC_FIELDS}

    def _participant(self, record):
        province = record["province"]
        return {
            "name": record["name"],
            "role": record["role"],
            "organisation": record["organisation"],
            "province_id": None if province is None else self.provinces[province],
            "gender": record["gender"],
            "attribution": record["attribution"],
        }

    def _debate(self, record):
        attendance = record["attendance"] or {}
        return {
            "title": record["title"],
            "province_id": self.provinces[record["province"]],
            "held_on": record["held_on"],
            "held_on_precision": record["held_on_precision"],
            "programme_id": self._ref("programmes", record["programme"]),
            "topic_id": self._ref("topics", record["topic"]),
            "district": record["district"],
            "venue": record["venue"],
            "moderator_id": self._ref("participants", record["moderator"]),
            "attendance_total": attendance.get("total"),
            "attendance_women": attendance.get("women"),
            "summary": record["summary"],
            "status": record["status"],
        }

    def _report(self, record):
        return {
            "headline": record["headline"],
            "standfirst": record["standfirst"],
            "body": record["body"],
            "byline": record["byline"],
            "programme_id": self._ref("programmes", record["programme"]),
            "published_on": record["published_on"],
            "status": record["status"],
        }

    def _write_positions(self):
        to_create, to_update = [], []
        self.position_ids = {}  # (topic id, slug) -> id
        for topic_id, rows in self.db_positions.items():
            for slug, row in rows.items():
                self.position_ids[(topic_id, slug)] = row["id"]
        for slug, (_index, record) in self.file["topics"].items():
            topic_id = self.ids["topics"][slug]
            existing = self.db_positions.get(topic_id, {})
            for order, position in enumerate(record["positions"]):
                values = {
                    "topic_id": topic_id,
                    "label": position["label"],
                    "stance": position["stance"],
                    "order": order,
                }
                row = existing.get(position["slug"])
                if row is None:
                    to_create.append(Position(slug=position["slug"], **values))
                elif _changed(values, row, POSITION_FIELDS):
                    to_update.append(Position(id=row["id"], slug=position["slug"], **values))
        for position in Position.objects.bulk_create(to_create, batch_size=BATCH):
            self.position_ids[(position.topic_id, position.slug)] = position.pk
        Position.objects.bulk_update(to_update, POSITION_FIELDS, batch_size=BATCH)
        self.summary.created["positions"] += len(to_create)
        self.summary.updated["positions"] += len(to_update)

    def _delete_stale_positions(self):
        ids = [row["id"] for _index, row in self.stale_positions]
        if ids:
            Position.objects.filter(id__in=ids).delete()
            self.summary.deleted["positions"] += len(ids)

    def _quoted_keys(self):
        return {
            key for _slug, (_i, report) in self.file["reports"].items() for key in report["quotes"]
        }

    def _clear_changed_quotes(self):
        """Remove the featured quotes of the file's reports whose quotes change.

        Done before statements are deleted: a statement a report stops featuring may go.
        """
        existing = defaultdict(list)
        report_ids = [row["id"] for row in self.db_reports.values()]
        for row in _rows_multi(
            FeaturedQuote.objects.order_by("order", "id"),
            "report_id",
            report_ids,
            ["report_id", "statement__key", "statement_id"],
        ):
            existing[row["report_id"]].append(
                row["statement__key"] or synthetic_key(row["statement_id"])
            )
        self.quotes_changed = set()
        for slug, (_index, record) in self.file["reports"].items():
            row = self.db_reports.get(slug)
            if row is None:
                continue
            if existing[row["id"]] != record["quotes"]:
                self.quotes_changed.add(slug)
        changed_ids = [self.db_reports[slug]["id"] for slug in self.quotes_changed]
        if changed_ids:
            FeaturedQuote.objects.filter(report_id__in=changed_ids).delete()

    def _write_statements(self):
        stale = [row["id"] for _path, row in self.stale_statements]
        for start in range(0, len(stale), CHUNK):
            Statement.objects.filter(id__in=stale[start : start + CHUNK]).delete()
        self.summary.deleted["statements"] += len(stale)

        quoted = self._quoted_keys()
        self.statement_ids = {key: row["id"] for key, row in self.db_keys.items()}
        to_create, to_update = [], []
        for slug, (index, record) in self.file["debates"].items():
            debate_id = self.ids["debates"][slug]
            topic_id = self._ref("topics", record["topic"])
            for order, (statement, row) in enumerate(
                zip(record["statements"], self.statement_plans[index], strict=True)
            ):
                position = statement["position"]
                values = {
                    "debate_id": debate_id,
                    "order": order,
                    "speaker_id": self._ref("participants", statement["speaker"]),
                    "position_id": None
                    if position is None
                    else self.position_ids[(topic_id, position)],
                    "kind": statement["kind"],
                    "text": statement["text"],
                    "original_text": statement["original_text"],
                    "original_language": statement["original_language"],
                    "key": statement["key"],
                }
                if row is None:
                    to_create.append(Statement(**values))
                else:
                    if values["key"] in quoted:
                        self.statement_ids[values["key"]] = row["id"]
                    if _changed(values, row, STATEMENT_FIELDS):
                        to_update.append(Statement(id=row["id"], **values))
                if len(to_create) >= BATCH:
                    self._create_statements(to_create, quoted)
                    to_create = []
                if len(to_update) >= BATCH:
                    self._update_statements(to_update)
                    to_update = []
        self._create_statements(to_create, quoted)
        self._update_statements(to_update)

    def _create_statements(self, statements, quoted):
        for statement in Statement.objects.bulk_create(statements):
            if statement.key in quoted:
                self.statement_ids[statement.key] = statement.pk
        self.summary.created["statements"] += len(statements)

    def _update_statements(self, statements):
        Statement.objects.bulk_update(statements, STATEMENT_FIELDS)
        self.summary.updated["statements"] += len(statements)

    def _write_report_links(self):
        through = Report.debates.through
        existing = defaultdict(set)
        report_ids = [row["id"] for row in self.db_reports.values()]
        for row in _rows_multi(
            through.objects, "report_id", report_ids, ["report_id", "debate_id"]
        ):
            existing[row["report_id"]].add(row["debate_id"])
        links, quotes, changed = [], [], set()
        for slug, (_index, record) in self.file["reports"].items():
            report_id = self.ids["reports"][slug]
            debate_ids = {self.ids["debates"][s] for s in record["debates"]}
            is_new = slug not in self.db_reports
            if debate_ids != existing[report_id]:
                if not is_new:
                    through.objects.filter(report_id=report_id).delete()
                    changed.add(slug)
                links.extend(through(report_id=report_id, debate_id=pk) for pk in debate_ids)
            if is_new or slug in self.quotes_changed:
                changed.add(slug)
                quotes.extend(
                    FeaturedQuote(
                        report_id=report_id, statement_id=self.statement_ids[key], order=order
                    )
                    for order, key in enumerate(record["quotes"])
                )
        through.objects.bulk_create(links, batch_size=BATCH)
        FeaturedQuote.objects.bulk_create(quotes, batch_size=BATCH)
        # A report whose debates or quotes changed is updated, even if its fields are not.
        newly = {slug for slug in changed if slug in self.db_reports} - self.updated["reports"]
        if newly:
            Report.objects.filter(id__in=[self.db_reports[s]["id"] for s in newly]).update(
                updated_at=timezone.now()
            )
        self.summary.updated["reports"] += len(newly)


def _rows_multi(queryset, field_name, values, fields):
    """Every row of ``queryset`` whose ``field_name`` is in ``values`` (several per value)."""
    values = sorted(set(values))
    for start in range(0, len(values), CHUNK):
        chunk = values[start : start + CHUNK]
        yield from queryset.filter(**{f"{field_name}__in": chunk}).values(*fields)


def _show(value):
    return f"'{value}'" if isinstance(value, str) else json.dumps(value)
