"""The sitemap: an index at /sitemap.xml and one paginated file per section.

Each file lists at most ``LIMIT`` addresses (sitemaps.org allows 50,000 and 50 MB), so it
is built from one page of one query; the index (Django's view) counts each section and
asks the newest change of those that have one, a query each. A section's file is written
by ``section()`` below rather than Django's template, which takes seconds for 5,000
addresses.
"""

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import x_robots_tag
from django.contrib.sites.shortcuts import get_current_site
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db.models import Max
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import cached_property
from django.utils.html import escape
from django.utils.http import http_date

from .models import Attribution, Debate, Participant, Province, Topic

# Addresses per sitemap file: far below the format's limit, so each builds in a moment.
LIMIT = 5000


class SectionSitemap(Sitemap):
    limit = LIMIT
    changefreq = None
    # The page of an item, by its slug (reversed once per file, not once per item).
    url_name = None

    @cached_property
    def _path(self):
        placeholder = "slug-placeholder"
        return reverse(self.url_name, args=[placeholder]).replace(placeholder, "{slug}")

    def location(self, item):
        return self._path.format(slug=item.slug)

    def entries(self, page):
        """(path, lastmod or None) of each item of ``page``; may raise EmptyPage."""
        lastmod = getattr(self, "lastmod", None)
        for item in self.paginator.page(page).object_list:
            path = self.location(item)
            if path is not None:
                yield path, lastmod(item) if lastmod else None


@x_robots_tag
def section(request, sitemaps, section):
    """One page (``?p=``) of one section of the sitemap, as sitemaps.org's XML."""
    if section not in sitemaps:
        raise Http404(f"No sitemap section {section!r}")
    site = sitemaps[section]()
    base = f"{site.get_protocol(request.scheme)}://{get_current_site(request).domain}"
    changefreq = f"<changefreq>{site.changefreq}</changefreq>" if site.changefreq else ""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
        ' xmlns:xhtml="http://www.w3.org/1999/xhtml">\n'
    ]
    latest = None
    try:
        # The English addresses; each page is listed in every offered language.
        with translation.override(settings.LANGUAGE_CODE):
            entries = list(site.entries(request.GET.get("p", 1)))
        for path, lastmod in entries:
            dated = ""
            if lastmod is not None:
                latest = lastmod if latest is None else max(latest, lastmod)
                day = timezone.localtime(lastmod).isoformat(timespec="seconds")
                dated = f"<lastmod>{day}</lastmod>"
            versions = language_versions(base, path)
            alternates = "".join(
                f'<xhtml:link rel="alternate" hreflang="{code}" href="{escape(url)}"/>'
                for code, url in versions
            )
            for code, url in versions:
                if code != "x-default":
                    lines.append(
                        f"<url><loc>{escape(url)}</loc>{dated}{changefreq}{alternates}</url>\n"
                    )
    except (EmptyPage, PageNotAnInteger) as error:
        raise Http404(str(error)) from error
    lines.append("</urlset>\n")
    response = HttpResponse("".join(lines), content_type="application/xml")
    if latest is not None:
        response.headers["Last-Modified"] = http_date(latest.timestamp())
    return response


def language_versions(base, path):
    """(hreflang, absolute URL) of an English page in each offered language, then
    x-default (English). config/urls.py's i18n_patterns prefix every other language."""
    versions = [
        (code, base + (path if code == settings.LANGUAGE_CODE else f"/{code}{path}"))
        for code, _name in settings.LANGUAGES
    ]
    return [*versions, ("x-default", base + path)] if len(versions) > 1 else versions


class LastModifiedSitemap(SectionSitemap):
    """A section whose items have ``updated_at``: the index gives its newest, in one query."""

    def lastmod(self, item):
        return item.updated_at

    def get_latest_lastmod(self):
        # Django's default reads every item of the section to find the newest.
        return self.items().aggregate(latest=Max("updated_at"))["latest"]


class DebateSitemap(LastModifiedSitemap):
    changefreq = "monthly"
    url_name = "debates:debate_detail"

    def items(self):
        # Only what an address and its lastmod need; the summary can be long.
        return Debate.objects.published().newest_first().only("slug", "updated_at")


class TopicSitemap(SectionSitemap):
    url_name = "debates:topic_detail"

    def items(self):
        return Topic.objects.having_published_debates().order_by("slug").only("slug")


class ProvinceSitemap(SectionSitemap):
    url_name = "debates:province_detail"

    def items(self):
        return Province.objects.having_published_debates().order_by("slug").only("slug")


class SpeakerSitemap(SectionSitemap):
    url_name = "debates:speaker_detail"

    def location(self, participant):
        # Only named participants have a page, whatever the query let through.
        if participant.attribution != Attribution.NAMED:
            return None
        return super().location(participant)

    def items(self):
        # Only named participants have a page: role and anonymous speakers never appear.
        return Participant.objects.with_public_page().order_by("slug").only("slug", "attribution")


class PageSitemap(SectionSitemap):
    changefreq = "daily"

    def items(self):
        return [
            "debates:home",
            "debates:debate_list",
            "debates:topic_list",
            "debates:province_list",
            "reports:report_list",
        ]

    def location(self, name):
        return reverse(name)
