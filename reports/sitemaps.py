from debates.sitemaps import LastModifiedSitemap

from .models import Report


class ReportSitemap(LastModifiedSitemap):
    changefreq = "monthly"
    url_name = "reports:report_detail"

    def items(self):
        return Report.objects.published().newest_first().only("slug", "updated_at")
