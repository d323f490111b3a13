"""Phase 2 of an import: check the streamed file against itself and the database.

``check(source, outline)`` returns a ``Plan`` whose ``errors`` list every problem, each
with its place in the file. Programmes, topics, participants and reports are kept in
memory (they are few); debates are read in batches, each batch's rows fetched with one
query a table, and only the plan of their statements is kept.
"""

from array import array
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from debates.models import (
    DELETE,
    Attribution,
    Debate,
    Participant,
    Position,
    Programme,
    Province,
    Statement,
    Status,
    Topic,
    unprotective,
)
from reports.models import FeaturedQuote, Report, featured_quote_problem

from . import parse, schema
from .exporter import synthetic_key
from .plan import NEW, DebatePlan, Plan, Upsert
from .schema import (
    DEBATE_FIELDS,
    PARTICIPANT_FIELDS,
    POSITION_FIELDS,
    PROGRAMME_FIELDS,
    REPORT_FIELDS,
    STATEMENT_FIELDS,
    TOPIC_FIELDS,
)

# Slugs per IN (...) lookup; SQLite allows a few thousand parameters at most.
CHUNK = 900
# Statements per batch of debates checked together.
BATCH_STATEMENTS = 5000

MISSING = {
    "programmes": lambda: _("no programme '%(slug)s'"),
    "topics": lambda: _("no topic '%(slug)s'"),
    "participants": lambda: _("no participant '%(slug)s'"),
    "debates": lambda: _("no debate '%(slug)s'"),
}

_ROW_FIELDS = {
    "programmes": (Programme, PROGRAMME_FIELDS),
    "topics": (Topic, TOPIC_FIELDS),
    "participants": (Participant, PARTICIPANT_FIELDS),
    "debates": (Debate, DEBATE_FIELDS),
    "reports": (Report, REPORT_FIELDS),
}
_KEY_ROW = [
    "id",
    *STATEMENT_FIELDS,
    "debate__slug",
    "debate__title",
    "debate__status",
]


def rows(queryset, field_name, values, fields):
    """Rows of ``queryset`` whose ``field_name`` is in ``values``, by that value."""
    return {row[field_name]: row for row in rows_multi(queryset, field_name, values, fields)}


def rows_multi(queryset, field_name, values, fields):
    """Every row of ``queryset`` whose ``field_name`` is in ``values`` (several per value)."""
    values = sorted({value for value in values if value is not None})
    for start in range(0, len(values), CHUNK):
        chunk = values[start : start + CHUNK]
        yield from queryset.filter(**{f"{field_name}__in": chunk}).order_by().values(*fields)


_STATEMENT_COLUMNS = [(key.field, key.name) for key in schema.STATEMENT.keys if key.field]


def statement_columns(plan, values, debate_id, topic_id, order):
    """The Statement columns of checked statement ``values``; ids may be NEW."""
    position = values["position"]
    columns = {field: values[name] for field, name in _STATEMENT_COLUMNS}
    columns["debate_id"] = debate_id
    columns["order"] = order
    columns["speaker_id"] = plan.id_of("participants", values["speaker"])
    columns["position_id"] = None if position is None else plan.position_id(topic_id, position)
    return columns


def position_columns(topic_id, order, values):
    """The Position columns of checked position ``values``, ``order``-th of its topic."""
    return {
        "topic_id": topic_id,
        "label": values["label"],
        "stance": values["stance"],
        "order": order,
        "translations": values["translations"],
    }


def positions_change(plan, upsert):
    """Whether the file's topic ``upsert`` (stored) adds, changes or drops a position."""
    stored = plan.positions.get(upsert.row["id"], {})
    listed = upsert.values.get("positions") or []
    if any(index == upsert.index for index, _row in plan.stale_positions):
        return True
    for order, position in enumerate(listed):
        row = stored.get(position["slug"])
        columns = position_columns(upsert.row["id"], order, position)
        if row is None or any(columns[name] != row[name] for name in POSITION_FIELDS):
            return True
    return False


def record_columns(item_schema, values):
    """The model columns of ``values`` that map one to one to a key of ``item_schema``."""
    return {
        key.field: values[key.name]
        for key in item_schema.keys
        if key.field is not None and key.kind not in (schema.LIST, schema.OBJECT)
    }


def debate_columns(plan, values):
    """The Debate columns of checked debate ``values``; ids may be NEW."""
    attendance = values["attendance"] or {}
    return {
        **record_columns(schema.DEBATE, values),
        **{
            key.field: attendance.get(key.name)
            for key in schema.ATTENDANCE.keys
            if key.field is not None
        },
        "province_id": plan.provinces[values["province"]],
        "programme_id": plan.id_of("programmes", values["programme"]),
        "topic_id": plan.id_of("topics", values["topic"]),
        "moderator_id": plan.id_of("participants", values["moderator"]),
    }


def report_columns(plan, values):
    """The Report columns of checked report ``values``; ids may be NEW."""
    return {
        **record_columns(schema.REPORT, values),
        "programme_id": plan.id_of("programmes", values["programme"]),
    }


def changes(columns, row):
    """{column: new value} of ``columns`` that differ from ``row`` (None: all, it is new)."""
    if row is None:
        return dict(columns)
    return {name: value for name, value in columns.items() if value != row[name]}


class Checker:
    def __init__(self, source, outline, user=None, may_reveal=False, reason=""):
        self.source = source
        self.plan = Plan(user=user, may_reveal=may_reveal, reason=reason)
        self.plan.statement_count = outline.statements
        self.structure = schema.Checker(self.plan.errors)
        self.lists = outline.lists
        self.outline = outline
        # Slugs already looked up in the database, by kind (found or not).
        self.asked = defaultdict(set)

    def error(self, path, message):
        self.plan.error(path, message)

    def run(self, progress=None):
        outline = self.outline
        plan = self.plan
        plan.provinces = dict(Province.objects.values_list("code", "id"))
        plan.existing = {kind: {} for kind in _ROW_FIELDS}
        for name in ("programmes", "topics", "participants", "reports"):
            self._read_list(name)
        self.debate_slugs = outline.debate_slugs if "debates" in self.lists else {}
        self._load()
        self._check_programmes()
        self._check_topics()
        self._check_participants()
        self._check_debates(progress)
        self._check_stale_statements()
        self._check_stale_positions()
        self._check_reports()
        return plan

    # The lists kept in memory ----------------------------------------------------

    def _items(self, name):
        return parse.items(self.source, name) if name in self.lists else ()

    def _read_list(self, name):
        item_schema = dict(schema.LISTS)[name]
        by_slug = getattr(self.plan, name)
        items = self.outline.items[name] if name in self.lists else ()
        for index, item in enumerate(items):
            values = self.structure.check_object(item, item_schema, f"{name}[{index}]")
            if values is None:
                continue
            self._claim(name, by_slug, index, values, Upsert)
        self.outline.items[name] = []  # the checked values are kept instead

    def _claim(self, name, by_slug, index, values, kind):
        slug = values.get("slug")
        if slug is None:
            return None
        if slug in by_slug:
            self.error(
                f"{name}[{index}].slug",
                _("duplicate slug '%(slug)s' (also %(other)s)")
                % {"slug": slug, "other": f"{name}[{by_slug[slug].index}]"},
            )
            return None
        by_slug[slug] = kind(index, slug, values)
        return by_slug[slug]

    def _load(self):
        plan = self.plan
        refs = defaultdict(set)
        for report in plan.reports.values():
            refs["programmes"].add(report.values.get("programme"))
            refs["debates"].update(report.values.get("debates") or ())
        self._fetch("programmes", [*plan.programmes, *refs["programmes"]])
        self._fetch("topics", plan.topics)
        self._fetch("participants", plan.participants)
        self._fetch("reports", plan.reports)
        self._fetch("debates", refs["debates"])
        for name in ("programmes", "topics", "participants", "reports"):
            for upsert in getattr(plan, name).values():
                upsert.row = plan.existing[name].get(upsert.slug)
        self._fetch_positions(row["id"] for row in plan.existing["topics"].values())
        # Statements the file's reports feature that are already in the database.
        self.quoted_keys = {
            key for report in plan.reports.values() for key in report.values.get("quotes") or ()
        }
        self.db_quoted = rows(Statement.objects, "key", self.quoted_keys, _KEY_ROW)
        # Statements of the file's debates that reports feature: key -> (debate, text).
        self.file_quoted = {}
        self.file_keys = {}  # statement key -> its place, for duplicates (see _match)
        self.unchecked_debates = set()
        self.featured_ids = None  # read when a change to a statement needs them

    def _fetch(self, kind, slugs):
        """Read the rows of ``kind`` named by ``slugs`` not read before."""
        asked = self.asked[kind]
        wanted = {slug for slug in slugs if slug is not None and slug not in asked}
        if not wanted:
            return
        asked.update(wanted)
        model, fields = _ROW_FIELDS[kind]
        self.plan.existing[kind].update(
            rows(model.objects, "slug", wanted, ["id", "slug", *fields])
        )

    def _fetch_positions(self, topic_ids):
        topic_ids = [pk for pk in topic_ids if pk not in self.plan.positions]
        for pk in topic_ids:
            self.plan.positions[pk] = {}
        for row in rows_multi(
            Position.objects, "topic_id", topic_ids, ["id", "slug", *POSITION_FIELDS]
        ):
            self.plan.positions[row["topic_id"]][row["slug"]] = row

    # Programmes, topics, participants ---------------------------------------------

    def _check_programmes(self):
        for upsert in self.plan.programmes.values():
            values = upsert.values
            try:
                Programme(
                    started_on=values.get("started_on"), ended_on=values.get("ended_on")
                ).clean()
            except ValidationError as error:
                for name, messages in error.message_dict.items():
                    self.error(f"programmes[{upsert.index}].{name}", messages[0])

    def _check_topics(self):
        plan = self.plan
        # Slugs of each file topic's positions after the import (None: not checkable).
        self.positions_of = {}
        for upsert in plan.topics.values():
            index, values = upsert.index, upsert.values
            seen = {}
            for number, position in enumerate(values.get("positions") or []):
                if not position or "slug" not in position:
                    continue
                if position["slug"] in seen:
                    self.error(
                        f"topics[{index}].positions[{number}].slug",
                        _("duplicate slug '%(slug)s' (also %(other)s)")
                        % {
                            "slug": position["slug"],
                            "other": f"topics[{index}].positions[{seen[position['slug']]}]",
                        },
                    )
                seen.setdefault(position["slug"], number)
            if "positions" not in values:
                self.positions_of[upsert.slug] = None
                continue
            self.positions_of[upsert.slug] = set(seen)
            if upsert.row is not None:
                for slug, row in plan.positions[upsert.row["id"]].items():
                    if slug not in seen:
                        plan.stale_positions.append((index, row))

    def _check_participants(self):
        for upsert in self.plan.participants.values():
            self._check_province(upsert.values, f"participants[{upsert.index}]")
            self._check_attribution(upsert)

    def _check_attribution(self, upsert):
        """Lowering a participant's protection: the model's rule, as the admin applies it."""
        plan, path = self.plan, f"participants[{upsert.index}]"
        old = upsert.row["attribution"] if upsert.row else None
        new = upsert.values.get("attribution")
        if new is None:
            return
        try:
            Participant.check_attribution_change(
                old,
                new,
                may_reveal=plan.may_reveal,
                reason=plan.reason,
                consent=upsert.values.get("consent") is not None,
            )
        except ValidationError as error:
            for problem in error.error_list:
                message = problem.messages[0]
                if problem.code == "reveal_permission" and plan.user is None:
                    message = _(
                        "changes attribution from %(old)s to %(new)s, which reveals more of "
                        "the person: run import_debates with --allow-reveal and --reason"
                    ) % {"old": old or Attribution.ANONYMOUS.value, "new": new}
                key = "consent" if problem.code == "reveal_consent" else "attribution"
                self.error(f"{path}.{key}", message)

    def _check_province(self, values, path):
        code = values.get("province")
        if code is not None and code not in self.plan.provinces:
            self.error(f"{path}.province", _("no province '%(code)s'") % {"code": code})

    def _check_reference(self, values, key, kind, path):
        slug = values.get(key)
        if slug is not None and not self.plan.exists(kind, slug):
            self.error(f"{path}.{key}", MISSING[kind]() % {"slug": slug})

    # Debates, in batches ---------------------------------------------------------

    def _check_debates(self, progress):
        batch, size = [], 0
        for index, item in enumerate(self._items("debates")):
            path = f"debates[{index}]"
            values = self.structure.check_object(item, schema.DEBATE, path)
            del item
            if values is None:
                continue
            batch.append((index, values))
            size += len(values.get("statements") or ())
            if size >= BATCH_STATEMENTS:
                self._check_batch(batch)
                if progress:
                    progress.advance(size)
                batch, size = [], 0
        if batch:
            self._check_batch(batch)
            if progress:
                progress.advance(size)
        for statement_id in self.plan.moved:
            self.plan.stale_statements.pop(statement_id, None)

    def _check_batch(self, batch):
        plan = self.plan
        refs = defaultdict(set)
        keys = {}  # key -> the index of the debate listing it (None: more than one)
        for index, values in batch:
            refs["programmes"].add(values.get("programme"))
            refs["topics"].add(values.get("topic"))
            refs["participants"].add(values.get("moderator"))
            refs["debates"].add(values.get("slug"))
            speakers = refs["participants"]
            for statement in values.get("statements") or ():
                if statement:
                    speakers.add(statement.get("speaker"))
                    key = statement.get("key")
                    keys[key] = index if key not in keys else None
        for kind, slugs in refs.items():
            self._fetch(kind, slugs)
        self._fetch_positions(
            plan.existing["topics"][slug]["id"]
            for slug in refs["topics"]
            if slug in plan.existing["topics"]
        )
        existing_ids = [
            plan.existing["debates"][values["slug"]]["id"]
            for index, values in batch
            if values.get("slug") in plan.existing["debates"]
            and self.debate_slugs.get(values["slug"]) == index
        ]
        existing_statements = defaultdict(list)
        for row in rows_multi(
            Statement.objects, "debate_id", existing_ids, ["id", *STATEMENT_FIELDS]
        ):
            existing_statements[row["debate_id"]].append(row)
        for statements in existing_statements.values():
            statements.sort(key=lambda row: (row["order"], row["id"]))
        elsewhere = self._keys_elsewhere(keys, existing_statements, batch)
        db_keys = rows(Statement.objects, "key", elsewhere, _KEY_ROW)
        for index, values in batch:
            debate = self._claim("debates", plan.debates, index, values, DebatePlan)
            if debate is not None:
                debate.row = plan.existing["debates"].get(debate.slug)
            self._check_debate(index, values, debate, existing_statements, db_keys)
            # The statements themselves are read again from the file when written.
            values.pop("statements", None)

    def _keys_elsewhere(self, keys, existing_statements, batch):
        """The ``keys`` of the batch that are not its debates' own in the database.

        A key listed once in the batch, by the debate whose statement has it, is matched
        among that debate's statements (``_match``): only the others are looked up.
        """
        existing = self.plan.existing["debates"]
        for index, values in batch:
            slug = values.get("slug")
            if slug not in existing or self.debate_slugs.get(slug) != index:
                continue
            for row in existing_statements.get(existing[slug]["id"], ()):
                if keys.get(row["key"], -1) == index:
                    del keys[row["key"]]
        return keys

    def _check_debate(self, index, values, debate, existing_statements, db_keys):
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
        self._check_statements(index, values, debate, existing_statements, db_keys)

    def _positions_of(self, topic):
        if topic in self.positions_of:
            return self.positions_of[topic]
        row = self.plan.existing["topics"].get(topic)
        return set(self.plan.positions[row["id"]]) if row else set()

    def _check_statements(self, index, values, debate, existing_statements, db_keys):
        plan = self.plan
        path = f"debates[{index}]"
        topic = values.get("topic")
        positions = self._positions_of(topic)
        topic_known = plan.exists("topics", topic)
        statements = values.get("statements")
        if statements is None:
            # Not a list, and reported: the debate's statements are left out of the checks.
            self.unchecked_debates.add(values.get("slug"))
            return
        row = debate.row if debate is not None else None
        existing = existing_statements.get(row["id"], []) if row else []
        by_key = {r["key"]: r for r in existing if r["key"]}
        # The exporter names a featured statement without a key by its id: the file's key
        # then matches that statement, which takes the key.
        synthetic = {s["key"] for s in statements if s and _SYNTHETIC in (s.get("key") or "")}
        if synthetic:
            for r in existing:
                if not r["key"] and synthetic_key(r["id"]) in synthetic:
                    by_key[synthetic_key(r["id"])] = r
        claimed = {r["id"] for r in by_key.values()}
        keyless = iter([r for r in existing if r["id"] not in claimed])
        debate_id = NEW if row is None else row["id"]
        topic_id = plan.id_of("topics", topic)
        ids = array("q")
        participants = plan.participants
        existing_participants = plan.existing["participants"]
        published = row is not None and row["status"] == Status.PUBLISHED
        for number, statement in enumerate(statements):
            if not statement:
                ids.append(0)
                continue
            where = _Place(path, number)
            speaker = statement.get("speaker")
            if (
                speaker is not None
                and speaker not in participants
                and speaker not in existing_participants
            ):
                self.error(f"{where}.speaker", MISSING["participants"]() % {"slug": speaker})
            position = statement.get("position")
            if position is not None and (
                topic is None or (positions is not None and position not in positions)
            ):
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
            match = self._match(
                key, (index, number), where, values, statement, by_key, keyless, db_keys
            )
            ids.append(0 if match is None else match["id"])
            if key in self.quoted_keys and match is not None:
                plan.quoted_ids[key] = match["id"]
            if match is not None and debate is not None:
                try:
                    columns = statement_columns(plan, statement, debate_id, topic_id, number)
                except KeyError:
                    continue  # a value with an error: nothing is written anyway
                changed = {
                    name: value
                    for name, value in columns.items()
                    if value == NEW or value != match[name]
                }
                if changed:
                    debate.changed_statements.add(number)
                    self._note_statement_change(debate, where, changed, match["id"])
                    if Statement.corrects(changed, published):
                        debate.corrected_statements.add(number)
            elif match is None and debate is not None:
                self._note_statement_change(debate, where, statement)
        if debate is not None:
            debate.statement_ids = ids
        for r in (*by_key.values(), *keyless):
            plan.stale_statements[r["id"]] = (f"{path}.statements", r["key"])
            if debate is not None:
                self._note_statement_change(debate, f"{path}.statements", DELETE)

    def _note_statement_change(self, debate, where, changed, statement_id=None):
        """Keep what the permission check asks about a statement's change (see Plan)."""
        if self._featured(statement_id):
            self.plan.featured_changes.append((str(where), changed))
        if debate.statement_change is None and unprotective(changed, Statement.PROTECTIVE):
            debate.statement_change = (str(where), changed)

    def _featured(self, statement_id):
        """Whether a published report features the existing statement ``statement_id``.

        Changing such a statement needs more permission. The quotes are read once, from
        their side: they are few, and a join from a million statements may be planned as
        a scan of them all.
        """
        if statement_id is None:
            return False
        if self.featured_ids is None:
            self.featured_ids = set(
                FeaturedQuote.objects.filter(report__status=Status.PUBLISHED).values_list(
                    "statement_id", flat=True
                )
            )
        return statement_id in self.featured_ids

    def _match(self, key, place, where, debate_values, statement, by_key, keyless, db_keys):
        """The existing statement this statement of the file becomes, if any.

        ``place`` is (debate index, statement index) in the file, ``where`` its path.
        """
        if key is None:
            return next(keyless, None)
        if key in self.file_keys:
            other = _statement_path(*divmod(self.file_keys[key], _PLACES))
            self.error(
                f"{where}.key",
                _("duplicate key '%(key)s' (also %(other)s)") % {"key": key, "other": other},
            )
            return None
        # One int per key, not a string: a file may have a million keys.
        self.file_keys[key] = place[0] * _PLACES + place[1]
        if key in self.quoted_keys:
            self.file_quoted[key] = (debate_values, statement.get("text", ""))
        row = by_key.pop(key, None)
        if row is not None:
            return row
        if key not in db_keys:
            return None
        other = db_keys[key]
        if other["debate__slug"] in self.debate_slugs:
            # Its debate is in the file too, without it: the statement moves here.
            self.plan.moved[other["id"]] = (str(where), key)
            return other
        self.error(
            f"{where}.key",
            _("'%(key)s' is the key of a statement of debate '%(debate)s'")
            % {"key": key, "debate": other["debate__slug"]},
        )
        return None

    # What the file drops ---------------------------------------------------------

    def _check_stale_statements(self):
        plan = self.plan
        if not plan.stale_statements and not plan.moved:
            return
        for quote in rows_multi(
            FeaturedQuote.objects,
            "statement_id",
            [*plan.stale_statements, *plan.moved],
            ["statement_id", "report__slug"],
        ):
            # A report in the file gets the quotes the file gives it.
            if quote["report__slug"] in plan.reports:
                continue
            if quote["statement_id"] in plan.moved:
                where, key = plan.moved[quote["statement_id"]]
                self.error(
                    f"{where}.key",
                    _(
                        "statement '%(key)s' moves to this debate, "
                        "but report '%(report)s' features it"
                    )
                    % {"key": key, "report": quote["report__slug"]},
                )
                continue
            path, key = plan.stale_statements[quote["statement_id"]]
            name = f"'{key}'" if key else _("number %(id)d") % {"id": quote["statement_id"]}
            self.error(
                path,
                _(
                    "statement %(statement)s is no longer listed, "
                    "but report '%(report)s' features it"
                )
                % {"statement": name, "report": quote["report__slug"]},
            )

    def _check_stale_positions(self):
        plan = self.plan
        if not plan.stale_positions:
            return
        ids = {row["id"]: (index, row) for index, row in plan.stale_positions}
        file_debate_ids = {
            debate.row["id"] for debate in plan.debates.values() if debate.row is not None
        }
        users = defaultdict(set)
        for row in rows_multi(
            Statement.objects, "position_id", ids, ["position_id", "debate_id", "debate__slug"]
        ):
            # Statements of the file's debates take the positions the file gives them.
            if row["debate_id"] not in file_debate_ids:
                users[row["position_id"]].add(row["debate__slug"])
        for position_id, debates in sorted(users.items()):
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

    # Reports ---------------------------------------------------------------------

    def _check_reports(self):
        for upsert in sorted(self.plan.reports.values(), key=lambda upsert: upsert.index):
            self._check_report(upsert.index, upsert.values)

    def _check_report(self, index, values):
        path = f"reports[{index}]"
        self._check_reference(values, "programme", "programmes", path)
        debate_slugs = set()
        for number, slug in enumerate(values.get("debates") or []):
            if slug is None:
                continue
            if slug in debate_slugs:
                self.error(
                    f"{path}.debates[{number}]",
                    _("debate '%(slug)s' is listed twice") % {"slug": slug},
                )
            elif not self.plan.exists("debates", slug):
                self.error(f"{path}.debates[{number}]", MISSING["debates"]() % {"slug": slug})
            debate_slugs.add(slug)
        status = values.get("status")
        keys = set()
        for number, key in enumerate(values.get("quotes") or []):
            if key is None:
                continue
            where = f"{path}.quotes[{number}]"
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
        if key in self.file_quoted:
            debate, text = self.file_quoted[key]
            slug, title, status = debate.get("slug"), debate.get("title"), debate.get("status")
        elif key in self.db_quoted:
            row = self.db_quoted[key]
            if row["debate__slug"] in self.unchecked_debates:
                return _UNCHECKED
            if row["debate__slug"] in self.debate_slugs:
                return None  # its debate is in the file, which no longer lists it
            slug, title, status = row["debate__slug"], row["debate__title"], row["debate__status"]
            text = row["text"]
            self.plan.quoted_ids[key] = row["id"]
        else:
            return None
        # Debates go by slug here: a debate of the file may not have an id yet.
        statement = Statement(text=text)
        statement.debate = Debate(pk=slug, title=title, status=status)
        return statement


_PLACES = 1 << 32
# What every key ``synthetic_key`` makes holds.
_SYNTHETIC = synthetic_key(0).removesuffix("0")


class _Place:
    """A statement's place in the file, written out only if an error or change needs it."""

    __slots__ = ("number", "path")

    def __init__(self, path, number):
        self.path, self.number = path, number

    def __str__(self):
        return f"{self.path}.statements[{self.number}]"

    def __format__(self, spec):
        return format(str(self), spec)


def _statement_path(debate, statement):
    return f"debates[{debate}].statements[{statement}]"


# A quoted statement of a debate whose statements could not be checked.
_UNCHECKED = object()


def check(source, outline, progress=None, *, user=None, may_reveal=False, reason=""):
    """The Plan for the file ``source``, whose first pass gave ``outline``.

    ``user`` imports (None: the command line), ``may_reveal`` says whether the file may
    lower participants' protection, and ``reason`` is recorded in the history.
    """
    return Checker(source, outline, user, may_reveal, reason).run(progress)
