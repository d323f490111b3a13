"""Export debates in the debate record format, deterministically and incrementally.

Objects come ordered by slug (positions and statements in their own order), keys in the
schema's order, empty optional keys left out: exporting, importing into an empty database
and exporting again gives the same bytes. The file is written one object at a time, and
statements are read in chunks, so memory does not grow with the number of statements.

A full export holds withheld names (participants with role or anonymous attribution) and
speakers' consents to be named: it is for staff, never for the public.
"""

import json
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import F, Q
from django.db.models.functions import Collate
from django.utils.translation import gettext as _

from debates.models import (
    Attribution,
    Consent,
    Debate,
    Participant,
    Position,
    Programme,
    Province,
    Statement,
    Topic,
)
from reports.models import FeaturedQuote, Report

from . import schema

CHUNK = 2000


@dataclass
class ExportSummary:
    counts: dict = field(default_factory=dict)
    # Participants in the file whose name the public may not see.
    withheld: int = 0


def by_slug(path="slug"):
    """Order by a slug byte by byte, so every database orders a file the same way.

    Slugs are ASCII; a PostgreSQL database with a language collation (en_US) would
    otherwise sort hyphens differently from SQLite.
    """
    return Collate(F(path), "C" if connection.vendor == "postgresql" else "BINARY")


def synthetic_key(statement_id):
    """The key written for a featured statement that has none, so a report can name it."""
    return f"statement-{statement_id}"


class _Writer:
    """The file, as pieces of text: the top level around lists of records."""

    def start(self):
        return '{\n  "format": ' + json.dumps(schema.FORMAT)

    def list(self, name, records, counts):
        count = 0
        for record in records:
            yield f',\n  "{name}": [\n' if count == 0 else ",\n"
            text = json.dumps(record, indent=2, ensure_ascii=False)
            yield "\n".join("    " + line for line in text.split("\n"))
            count += 1
        if count:
            yield "\n  ]"
        counts[name] = count

    def end(self):
        return "\n}\n"


def export_record(out, debate_slugs=None, progress=None):
    """Write the record to the text stream ``out``; return an ExportSummary.

    With ``debate_slugs``, only those debates, with the programmes, topics and
    participants they reference, and the reports based on selected debates only.
    """
    summary = ExportSummary()
    for piece in export_pieces(summary, debate_slugs, progress):
        out.write(piece)
    return summary


def selection(debate_slugs=None):
    """The querysets of what an export holds, by list name."""
    debates = Debate.objects.all()
    programmes, topics = Programme.objects.all(), Topic.objects.all()
    participants = Participant.objects.all()
    reports = Report.objects.all()
    if debate_slugs is not None:
        debates = debates.filter(slug__in=debate_slugs)
        reports = reports.exclude(debates__isnull=True).exclude(
            debates__in=Debate.objects.exclude(slug__in=debate_slugs)
        )
        programmes = programmes.filter(Q(debates__in=debates) | Q(reports__in=reports)).distinct()
        topics = topics.filter(debates__in=debates).distinct()
        participants = participants.filter(
            Q(statements__debate__in=debates) | Q(moderated_debates__in=debates)
        ).distinct()
    return {
        "programmes": programmes,
        "topics": topics,
        "participants": participants,
        "debates": debates,
        "reports": reports,
    }


def withheld_count(debate_slugs=None):
    """How many participants an export holds whose name the public may not see."""
    participants = selection(debate_slugs)["participants"]
    return participants.exclude(attribution=Attribution.NAMED).count()


def export_pieces(summary, debate_slugs=None, progress=None):
    """The export as pieces of text, read from the database as they are written.

    Fills ``summary`` as it goes; ``progress`` (a Progress) counts statements.
    """
    chosen = selection(debate_slugs)
    provinces = dict(Province.objects.values_list("id", "code"))
    programme_slugs = dict(Programme.objects.values_list("id", "slug"))
    topic_slugs = dict(Topic.objects.values_list("id", "slug"))
    position_slugs = dict(Position.objects.values_list("id", "slug"))
    participant_slugs = dict(chosen["participants"].values_list("id", "slug"))
    # Featured statements without a key get one in the file, so reports can name them.
    featured_keyless = set(
        FeaturedQuote.objects.filter(statement__key__isnull=True).values_list(
            "statement_id", flat=True
        )
    )
    if progress is not None:
        progress.start(
            _("Exporting"), Statement.objects.filter(debate__in=chosen["debates"]).count()
        )
    writer, counts = _Writer(), summary.counts
    yield writer.start()
    yield from writer.list(
        "programmes", _programmes(chosen["programmes"].order_by(by_slug())), counts
    )
    yield from writer.list("topics", _topics(chosen["topics"].order_by(by_slug())), counts)
    yield from writer.list(
        "participants",
        _participants(chosen["participants"].order_by(by_slug()), provinces, summary),
        counts,
    )
    yield from writer.list(
        "debates",
        _debates(
            chosen["debates"].order_by(by_slug()),
            provinces,
            programme_slugs,
            topic_slugs,
            participant_slugs,
            position_slugs,
            featured_keyless,
            progress,
        ),
        counts,
    )
    yield from writer.list(
        "reports", _reports(chosen["reports"].order_by(by_slug()), programme_slugs), counts
    )
    yield writer.end()
    if progress is not None:
        progress.finish()


def _programmes(queryset):
    for values in queryset.values("slug", *schema.PROGRAMME_FIELDS):
        yield schema.to_record(schema.PROGRAMME, values)


def _topics(queryset):
    topics = list(queryset.values("id", "slug", *schema.TOPIC_FIELDS))
    positions = {}
    for row in (
        Position.objects.filter(topic_id__in=[t["id"] for t in topics])
        .order_by("topic_id", "order", "id")
        .values("topic_id", "slug", "label", "stance", "translations")
    ):
        positions.setdefault(row["topic_id"], []).append(schema.to_record(schema.POSITION, row))
    for values in topics:
        values["positions"] = positions.get(values["id"], [])
        yield schema.to_record(schema.TOPIC, values)


def _consents(participants):
    """Each participant's latest consent to be named, by participant id."""
    latest = {}
    for values in (
        Consent.objects.filter(participant__in=participants)
        .order_by("participant_id", "given_on", "id")
        .values("participant_id", *schema.CONSENT_FIELDS)
    ):
        latest[values.pop("participant_id")] = schema.to_record(schema.CONSENT, values)
    return latest


def _participants(queryset, provinces, summary):
    # Consent is staff-only, as the withheld names in this file are.
    consents = _consents(queryset.order_by().values("pk"))
    for values in queryset.values("id", "slug", *schema.PARTICIPANT_FIELDS).iterator(
        chunk_size=CHUNK
    ):
        values["consent"] = consents.get(values["id"])
        values["province"] = provinces.get(values["province_id"])
        if values["attribution"] not in Attribution.values:
            # The format's rule: an attribution nobody chose is anonymous.
            values["attribution"] = Attribution.ANONYMOUS
        if values["attribution"] != Attribution.NAMED:
            summary.withheld += 1
        yield schema.to_record(schema.PARTICIPANT, values)


def _debates(
    queryset, provinces, programmes, topics, participants, positions, featured_keyless, progress
):
    statements = (
        Statement.objects.filter(debate__in=queryset)
        .order_by(by_slug("debate__slug"), "order", "id")
        .values("id", *schema.STATEMENT_FIELDS)
        .iterator(chunk_size=CHUNK)
    )
    pending = next(statements, None)
    for values in queryset.values("id", "slug", *schema.DEBATE_FIELDS).iterator(chunk_size=CHUNK):
        records = []
        while pending is not None and pending["debate_id"] == values["id"]:
            if pending["key"] is None and pending["id"] in featured_keyless:
                pending["key"] = synthetic_key(pending["id"])
            pending["speaker"] = participants.get(pending["speaker_id"])
            pending["position"] = positions.get(pending["position_id"])
            records.append(schema.to_record(schema.STATEMENT, pending))
            pending = next(statements, None)
        attendance = {"total": values["attendance_total"], "women": values["attendance_women"]}
        values.update(
            province=provinces[values["province_id"]],
            programme=programmes.get(values["programme_id"]),
            topic=topics.get(values["topic_id"]),
            moderator=participants.get(values["moderator_id"]),
            attendance=schema.to_record(schema.ATTENDANCE, attendance),
            statements=records,
        )
        yield schema.to_record(schema.DEBATE, values)
        if progress is not None:
            progress.advance(len(records))


def _reports(queryset, programmes):
    reports = list(queryset.values("id", "slug", *schema.REPORT_FIELDS))
    ids = [report["id"] for report in reports]
    debates, quotes = {}, {}
    for report_id, slug in (
        Report.debates.through.objects.filter(report_id__in=ids)
        .order_by(by_slug("debate__slug"))
        .values_list("report_id", "debate__slug")
    ):
        debates.setdefault(report_id, []).append(slug)
    for report_id, key, statement_id in (
        FeaturedQuote.objects.filter(report_id__in=ids)
        .order_by("order", "id")
        .values_list("report_id", "statement__key", "statement_id")
    ):
        quotes.setdefault(report_id, []).append(key or synthetic_key(statement_id))
    for values in reports:
        values["programme"] = programmes.get(values["programme_id"])
        values["debates"] = debates.get(values["id"], [])
        values["quotes"] = quotes.get(values["id"], [])
        yield schema.to_record(schema.REPORT, values)
