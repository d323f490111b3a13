"""Public pages. Each composes published() querysets and runs a fixed number of queries.

Speakers appear only through ``debates.attribution``: templates get a statement's
``public_speaker`` or a named participant's ``public_profile``, never a participant.
"""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from record.pagination import CappedPaginator
from reports.models import Report

from . import attribution
from .filters import DebateFilter
from .forms import SearchForm
from .models import Debate, Participant, Province, Statement, Topic

DEBATES_PER_PAGE = 20
STATEMENTS_PER_PAGE = 30
LATEST_ON_HOME = 6
# Search counts and pages through at most this many statements ("more than 1,000").
SEARCH_RESULTS_CAP = 1000
# Debates a search lists, newest first; the debate list filters by the same words.
SEARCH_DEBATES = 10


def paginate(request, queryset, per_page):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


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
            "topics": Topic.objects.with_published_debates(),
            "provinces": Province.objects.with_published_debates(),
        },
    )


def debate_list(request):
    debates = Debate.objects.published().with_related().with_statement_count().newest_first()
    debate_filter = DebateFilter(request.GET or None, queryset=debates)
    return render(
        request,
        "debates/debate_list.html",
        {
            "filter": debate_filter,
            "page_obj": paginate(request, debate_filter.qs, DEBATES_PER_PAGE),
            "is_filtered": any(
                value for key, value in request.GET.items() if key not in {"page", "sort"}
            ),
        },
    )


def debate_detail(request, slug):
    debate = get_object_or_404(Debate.objects.published().with_related(), slug=slug)
    statements = debate.statements.published().for_display().in_spoken_order()
    positions = list(debate.topic.positions.all()) if debate.topic_id else []
    groups = debate.position_groups(statements, positions)
    return render(
        request,
        "debates/debate_detail.html",
        {
            "debate": debate,
            "groups": groups,
            "statement_count": sum(len(group.statements) for group in groups),
            "reports": debate.reports.published().newest_first(),
        },
    )


def topic_list(request):
    return render(
        request,
        "debates/topic_list.html",
        {"topics": Topic.objects.with_published_debates().prefetch_related("positions")},
    )


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
            "page_obj": paginate(
                request,
                Debate.objects.published()
                .on_topic(topic)
                .with_related()
                .with_statement_count()
                .newest_first(),
                DEBATES_PER_PAGE,
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
    debates = (
        Debate.objects.published()
        .in_province(province)
        .with_related()
        .with_statement_count()
        .newest_first()
    )
    return render(
        request,
        "debates/province_detail.html",
        {
            "province": province,
            "page_obj": paginate(request, debates, DEBATES_PER_PAGE),
            "topics": Topic.objects.with_published_debates(province=province),
        },
    )


def speaker_detail(request, slug):
    participant = get_object_or_404(
        Participant.objects.with_public_page().select_related("province"), slug=slug
    )
    profile = attribution.public_profile(participant)
    if profile is None:
        raise Http404
    statements = (
        Statement.objects.published().by_speaker(participant).for_display().newest_debates_first()
    )
    return render(
        request,
        "debates/speaker_detail.html",
        {"profile": profile, "page_obj": paginate(request, statements, STATEMENTS_PER_PAGE)},
    )


def search(request):
    form = SearchForm(request.GET)
    text = form.terms()
    statements = Statement.objects.none()
    debates = Debate.objects.none()
    if text:
        statements = Statement.objects.published().search(text).for_display().newest_debates_first()
        debates = (
            Debate.objects.published().matching(text).with_related().newest_first()[:SEARCH_DEBATES]
        )
    paginator = CappedPaginator(statements, STATEMENTS_PER_PAGE, cap=SEARCH_RESULTS_CAP)
    return render(
        request,
        "debates/search.html",
        {
            "form": form,
            "query": text,
            "page_obj": paginator.get_page(request.GET.get("page")),
            "debates": debates,
            "title": _("Search: %(query)s") % {"query": text} if text else _("Search"),
        },
    )
