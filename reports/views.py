from django.shortcuts import get_object_or_404, render

from record.pagination import paginate
from record.preview import previewing, private

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
    # A preview shows the quotes of the debates that are to be published with the report.
    preview = previewing(request, Report.objects, slug=slug)
    report = get_object_or_404(
        Report.objects.shown(preview).with_page_parts(include_draft_debates=preview), slug=slug
    )
    response = render(request, "reports/report_detail.html", {"report": report, "preview": preview})
    return private(response) if preview else response
