from debates.sitemaps import PublicSitemap

from .models import Report


class ReportSitemap(PublicSitemap):
    changefreq = "monthly"

    def items(self):
        return Report.objects.published().newest_first()

    def lastmod(self, report):
        return report.updated_at
