"""Small factories for tests: each makes a valid object, any field overridable."""

import datetime
import itertools

from debates.models import (
    Debate,
    Participant,
    Position,
    Programme,
    Province,
    Statement,
    Topic,
)

_seq = itertools.count(1)


def _n():
    return next(_seq)


def province(code="AF-KDZ"):
    return Province.objects.get(code=code)


def programme(**fields):
    n = _n()
    fields.setdefault("name", f"Programme {n}")
    fields.setdefault("slug", f"programme-{n}")
    return Programme.objects.create(**fields)


def topic(positions=("for-it", "against-it"), **fields):
    n = _n()
    fields.setdefault("title", f"Topic {n}")
    fields.setdefault("slug", f"topic-{n}")
    fields.setdefault("question", f"Should question {n} be answered?")
    created = Topic.objects.create(**fields)
    for order, slug in enumerate(positions):
        stance = "against" if "against" in slug else "for"
        Position.objects.create(
            topic=created,
            slug=slug,
            label=slug.replace("-", " ").title(),
            stance=stance,
            order=order,
        )
    return created


def participant(**fields):
    n = _n()
    fields.setdefault("name", f"Participant {n}")
    fields.setdefault("slug", f"participant-{n}")
    fields.setdefault("attribution", "named")
    if isinstance(fields.get("province"), str):
        fields["province"] = province(fields["province"])
    return Participant.objects.create(**fields)


def debate(**fields):
    n = _n()
    fields.setdefault("title", f"Debate {n}")
    fields.setdefault("slug", f"debate-{n}")
    fields.setdefault("held_on", datetime.date(2015, 12, 1))
    fields.setdefault("status", "published")
    if isinstance(fields.get("province", "AF-KDZ"), str):
        fields["province"] = province(fields.get("province", "AF-KDZ"))
    if "topic" not in fields:
        fields["topic"] = topic()
    return Debate.objects.create(**fields)


def statement(debate, **fields):
    fields.setdefault("kind", "quote")
    fields.setdefault("text", f"Statement {_n()}.")
    if isinstance(fields.get("position"), str):
        fields["position"] = debate.topic.positions.get(slug=fields["position"])
    return Statement.objects.create(debate=debate, **fields)


def report(debates=(), quotes=(), **fields):
    from reports.models import FeaturedQuote, Report

    n = _n()
    fields.setdefault("headline", f"Report {n}")
    fields.setdefault("slug", f"report-{n}")
    fields.setdefault("body", f"Body of report {n}.")
    fields.setdefault("status", "published")
    fields.setdefault("published_on", datetime.date(2016, 1, 1))
    created = Report.objects.create(**fields)
    created.debates.set(debates)
    for order, statement in enumerate(quotes):
        FeaturedQuote.objects.create(report=created, statement=statement, order=order)
    return created
