"""What an import will do, decided before anything is written.

The check phase (``record.check``) builds a ``Plan``; the write phase (``record.write``)
carries it out. The plan holds every object of the file except statements, which stay in
the file: for each debate it holds only which existing statement each of its statements
becomes (or that it is new) and which of them change, so its size does not grow with the
text of the file.
"""

from array import array
from dataclasses import dataclass, field

# A reference to an object the import creates: its id is known only once it is written.
NEW = -1


@dataclass
class Upsert:
    """One object of the file, with the row it updates (None: it is created)."""

    index: int
    slug: str
    values: dict  # checked values by key name
    row: dict | None = None

    def changed(self, columns):
        return self.row is None or any(columns[name] != self.row[name] for name in columns)


@dataclass
class DebatePlan(Upsert):
    # Per statement in file order: the id of the existing statement it becomes, or 0.
    statement_ids: array = field(default_factory=lambda: array("q"))
    # Places (in file order) of existing statements whose values change.
    changed_statements: set = field(default_factory=set)
    # The first change to its statements that does more than protect (a new, changed or
    # dropped statement), as (place, {column: new value}): a published debate's
    # statements are its content. None: there is none.
    statement_change: tuple | None = None
    # Places of existing statements of a published debate whose change corrects what
    # the public reads: they are dated as corrected.
    corrected_statements: set = field(default_factory=set)

    @property
    def writes_statements(self):
        return bool(self.changed_statements) or 0 in self.statement_ids


@dataclass
class Plan:
    errors: list = field(default_factory=list)
    # Objects of the file by slug, each list in file order.
    programmes: dict = field(default_factory=dict)
    topics: dict = field(default_factory=dict)
    participants: dict = field(default_factory=dict)
    debates: dict = field(default_factory=dict)
    reports: dict = field(default_factory=dict)
    # Rows already in the database that the file names, by kind and slug.
    existing: dict = field(default_factory=dict)
    # topic id -> position slug -> row
    positions: dict = field(default_factory=dict)
    provinces: dict = field(default_factory=dict)
    # Statements to delete: id -> place in the file (a debate's statements list).
    stale_statements: dict = field(default_factory=dict)
    # Positions to delete: (topic index, row).
    stale_positions: list = field(default_factory=list)
    # Ids of existing statements that the file moves into another of its debates.
    moved: dict = field(default_factory=dict)
    # Existing statements the file's reports feature: key -> id.
    quoted_ids: dict = field(default_factory=dict)
    # Changes to statements a published report features: (place, {column: new value}).
    featured_changes: list = field(default_factory=list)
    # Reports whose featured quotes change.
    quotes_changed: set = field(default_factory=set)
    statement_count: int = 0
    # Who imports (None: the command line) and why: recorded in the history.
    user: object = None
    reason: str = ""
    # May the file lower participants' protection (the reveal permission, or the
    # command line's explicit flag)?
    may_reveal: bool = False

    def error(self, path, message):
        self.errors.append(f"{path}: {message}")

    def id_of(self, kind, slug):
        """The id of the object ``slug`` of ``kind``; NEW if the import creates it."""
        if slug is None:
            return None
        row = self.existing[kind].get(slug)
        return NEW if row is None else row["id"]

    def position_id(self, topic_id, slug):
        if topic_id is None or topic_id == NEW:
            return NEW
        row = self.positions.get(topic_id, {}).get(slug)
        return NEW if row is None else row["id"]

    def exists(self, kind, slug):
        return slug in getattr(self, kind) or slug in self.existing[kind]
