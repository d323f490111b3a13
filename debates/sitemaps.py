from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Debate, Participant, Province, Topic


class PublicSitemap(Sitemap):
    """Each page once per offered language, with its other languages as alternates
    (hreflang, and x-default: English)."""

    i18n = True
    alternates = True
    x_default = True


class DebateSitemap(PublicSitemap):
    changefreq = "monthly"

    def items(self):
        return Debate.objects.published().newest_first()

    def lastmod(self, debate):
        return debate.updated_at


class TopicSitemap(PublicSitemap):
    def items(self):
        return Topic.objects.with_published_debates().order_by("slug")


class ProvinceSitemap(PublicSitemap):
    def items(self):
        return Province.objects.with_published_debates().order_by("slug")


class SpeakerSitemap(PublicSitemap):
    def items(self):
        # Only named participants have a page; get_absolute_url is None for the rest.
        return Participant.objects.with_public_page().order_by("slug")


class PageSitemap(PublicSitemap):
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
