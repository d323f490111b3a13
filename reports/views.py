from django.shortcuts import get_object_or_404, render

from record.pagination import paginate

from .filters import ReportFilter
from .models import Report

REPORTS_PER_PAGE = 20


def report_list(request):
    reports = Report.objects.published().newest_first().select_related("programme")
    filterset = ReportFilter(request.GET or None, queryset=reports)
    return render(
        request,
        "reports/report_list.html",
        {"filter": filterset, "page_obj": paginate(request, filterset.qs, REPORTS_PER_PAGE)},
    )


def report_detail(request, slug):
    report = get_object_or_404(Report.objects.published().with_page_parts(), slug=slug)
    return render(request, "reports/report_detail.html", {"report": report})
