from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from .filters import ReportFilter
from .models import Report

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
    report = get_object_or_404(Report.objects.published().with_page_parts(), slug=slug)
    return render(request, "reports/report_detail.html", {"report": report})
