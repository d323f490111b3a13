from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render

from debates.models import Debate

from .filters import ReportFilter
from .models import FeaturedQuote, Report

REPORTS_PER_PAGE = 20


def report_list(request):
    reports = Report.objects.published().newest_first().select_related("programme")
    filterset = ReportFilter(request.GET or None, queryset=reports)
    page = Paginator(filterset.qs, REPORTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "reports/report_list.html",
        {"filter": filterset, "page_obj": page, "reports": page.object_list},
    )


def report_detail(request, slug):
    report = get_object_or_404(
        Report.objects.published()
        .select_related("programme")
        .prefetch_related(
            Prefetch(
                "quotes",
                queryset=FeaturedQuote.objects.published().for_display(),
                to_attr="public_quotes",
            ),
            Prefetch(
                "debates",
                queryset=Debate.objects.published().with_related().newest_first(),
                to_attr="public_debates",
            ),
        ),
        slug=slug,
    )
    return render(request, "reports/report_detail.html", {"report": report})
