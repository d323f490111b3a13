"""Public pages. Each composes published() querysets and runs a fixed number of queries.

Speakers appear only through ``debates.attribution``: templates get a statement's
``public_speaker`` or a named participant's ``public_profile``, never a participant.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from record.pagination import CappedPaginator, paginate
from record.preview import previewing, private
from reports.models import Report

from . import attribution
from .filters import DebateFilter
from .forms import SearchForm
from .models import Debate, Participant, Province, Statement, Topic

DEBATES_PER_PAGE = 20
TOPICS_PER_PAGE = 50
STATEMENTS_PER_PAGE = 30
# A speaker's page lists this many of their statements at most (the newest): counting
# further costs a query as long as the list.
SPEAKER_STATEMENTS_CAP = 1000
LATEST_ON_HOME = 6
# The home page and a province's page show the most debated topics, and link to more.
TOPICS_ON_HOME = 12
TOPICS_ON_PROVINCE = 20
# Search counts and pages through at most this many statements ("more than 1,000").
SEARCH_RESULTS_CAP = 1000
# Debates a search lists, newest first; the debate list filters by the same words.
SEARCH_DEBATES = 10


def debate_page(request, debates):
    """A page of ``debates`` with what a debate item shows, loaded for its rows only."""
    return paginate(
        request,
        debates,
        DEBATES_PER_PAGE,
        finish=lambda rows: rows.with_related().with_statement_count(),
    )


def home(request):
    return render(
        request,
        "debates/home.html",
        {
            "latest_debates": Debate.objects.published()
            .with_related()
            .with_statement_count()
            .newest_first()[:LATEST_ON_HOME],
            "latest_reports": Report.objects.published().newest_first()[:3],
            "topics": Topic.objects.most_debated()[:TOPICS_ON_HOME],
            "provinces": Province.objects.with_published_debates(),
        },
    )


def debate_list(request):
    debate_filter = DebateFilter(
        request.GET or None, queryset=Debate.objects.published().newest_first()
    )
    return render(
        request,
        "debates/debate_list.html",
        {
            "filter": debate_filter,
            "page_obj": debate_page(request, debate_filter.qs),
            "is_filtered": any(
                value for key, value in request.GET.items() if key not in {"page", "sort"}
            ),
        },
    )


def debate_detail(request, slug):
    preview = previewing(request, Debate.objects, slug=slug)
    debate = get_object_or_404(Debate.objects.shown(preview).with_related(), slug=slug)
    statements = debate.statements.shown(preview)
    counts = statements.count_by_position()
    page_obj = paginate(
        request,
        statements.for_debate_page().in_spoken_order(),
        Debate.STATEMENTS_PER_PAGE,
        count=sum(counts.values()),
    )
    positions = list(debate.topic.positions.all()) if debate.topic_id else []
    response = render(
        request,
        "debates/debate_detail.html",
        {
            "debate": debate,
            "groups": debate.position_groups(page_obj.object_list, positions, counts),
            "page_obj": page_obj,
            "statement_count": page_obj.paginator.count,
            "reports": debate.reports.published().newest_first(),
            "preview": preview,
        },
    )
    return private(response) if preview else response


def topic_list(request):
    topics = Topic.objects.having_published_debates()
    page_obj = paginate(
        request,
        topics,
        TOPICS_PER_PAGE,
        finish=lambda rows: rows.with_debate_count().prefetch_related("positions"),
    )
    return render(request, "debates/topic_list.html", {"page_obj": page_obj})


def topic_detail(request, slug):
    topic = get_object_or_404(Topic.objects.with_published_debates(), slug=slug)
    positions = list(topic.positions.all())
    return render(
        request,
        "debates/topic_detail.html",
        {
            "topic": topic,
            "positions": positions,
            "matrix": topic.province_position_matrix(positions),
            "page_obj": debate_page(
                request, Debate.objects.published().on_topic(topic).newest_first()
            ),
        },
    )


def province_list(request):
    return render(
        request,
        "debates/province_list.html",
        {"provinces": Province.objects.with_published_debates()},
    )


def province_detail(request, slug):
    province = get_object_or_404(Province, slug=slug)
    debates = Debate.objects.published().in_province(province).newest_first()
    return render(
        request,
        "debates/province_detail.html",
        {
            "province": province,
            "page_obj": debate_page(request, debates),
            "topics": Topic.objects.most_debated(province=province)[:TOPICS_ON_PROVINCE],
        },
    )


def speaker_detail(request, slug):
    participant = get_object_or_404(
        Participant.objects.with_public_page().select_related("province"), slug=slug
    )
    profile = attribution.public_profile(participant)
    if profile is None:
        raise Http404
    statements = Statement.objects.published().by_speaker(participant).newest_debates_first()
    return render(
        request,
        "debates/speaker_detail.html",
        {
            "profile": profile,
            "page_obj": paginate(
                request,
                statements,
                STATEMENTS_PER_PAGE,
                cap=SPEAKER_STATEMENTS_CAP,
                finish=lambda rows: rows.for_display(),
            ),
        },
    )


def search(request):
    form = SearchForm(request.GET)
    text = form.terms()
    statements = Statement.objects.none()
    debates = Debate.objects.none()
    if text:
        statements = Statement.objects.published().search(text).newest_debates_first()
        debates = Debate.objects.published().matching(text).with_related().newest_first()
    paginator = CappedPaginator(
        statements,
        STATEMENTS_PER_PAGE,
        cap=SEARCH_RESULTS_CAP,
        # A statement's place in its debate, for its link, for the page's rows only.
        finish=lambda rows: rows.for_display(),
    )
    # The newest matching debates, found as the statements are (see CappedPaginator).
    debate_paginator = CappedPaginator(debates, SEARCH_DEBATES, cap=SEARCH_RESULTS_CAP)
    return render(
        request,
        "debates/search.html",
        {
            "form": form,
            "query": text,
            "page_obj": paginator.get_page(request.GET.get("page")),
            "debates": debate_paginator.get_page(1),
            "title": _("Search: %(query)s") % {"query": text} if text else _("Search"),
        },
    )
