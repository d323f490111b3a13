from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from debates.sitemaps import (
    DebateSitemap,
    PageSitemap,
    ProvinceSitemap,
    SpeakerSitemap,
    TopicSitemap,
)
from debates.sitemaps import (
    section as sitemap_section,
)
from reports.sitemaps import ReportSitemap

admin.site.site_header = _("Debate Record")
admin.site.site_title = _("Debate Record admin")
admin.site.index_title = _("Record debates and publish reports")

sitemaps = {
    "pages": PageSitemap,
    "debates": DebateSitemap,
    "reports": ReportSitemap,
    "topics": TopicSitemap,
    "provinces": ProvinceSitemap,
    "speakers": SpeakerSitemap,
}

urlpatterns = [
    # Two-factor pages under the admin's prefix, before the admin's catch-all.
    path("admin/two-factor/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    # An index of the sections' files, each paginated (?p=2): see debates/sitemaps.py.
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": sitemaps, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap_section,
        {"sitemaps": sitemaps},
        name="sitemap-section",
    ),
    path(
        "robots.txt",
        TemplateView.as_view(template_name="robots.txt", content_type="text/plain"),
        name="robots",
    ),
]
# The public pages and feeds: English at /, Dari at /fa/, Pashto at /ps/ (the languages
# offered, settings.LANGUAGES). The admin, sitemap, robots.txt, the health check and
# static files have one address whatever the language.
urlpatterns += i18n_patterns(
    path("", include("reports.urls")),
    path("", include("debates.urls")),
    prefix_default_language=False,
)
