from django.contrib.sitemaps import Sitemap

from .models import Report


class ReportSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return Report.objects.published().newest_first()

    def lastmod(self, report):
        return report.updated_at
