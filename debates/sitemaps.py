"""The sitemap: an index at /sitemap.xml and one paginated file per section.

Each file lists at most ``LIMIT`` addresses (sitemaps.org allows 50,000 and 50 MB), so it
is built from one page of one query; the index counts each section and asks the newest
change of those that have one, a query each.
"""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from .models import Debate, Participant, Province, Topic

# Addresses per sitemap file: far below the format's limit, so each builds in a moment.
LIMIT = 5000


class SectionSitemap(Sitemap):
    limit = LIMIT


class LastModifiedSitemap(SectionSitemap):
    """A section whose items have ``updated_at``: the index gives its newest, in one query."""

    def lastmod(self, item):
        return item.updated_at

    def get_latest_lastmod(self):
        # Django's default reads every item of the section to find the newest.
        return self.items().aggregate(latest=Max("updated_at"))["latest"]


class DebateSitemap(LastModifiedSitemap):
    changefreq = "monthly"

    def items(self):
        # Only what an address and its lastmod need; the summary can be long.
        return Debate.objects.published().newest_first().only("slug", "updated_at")


class TopicSitemap(SectionSitemap):
    def items(self):
        return Topic.objects.having_published_debates().order_by("slug").only("slug")


class ProvinceSitemap(SectionSitemap):
    def items(self):
        return Province.objects.having_published_debates().order_by("slug").only("slug")


class SpeakerSitemap(SectionSitemap):
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
