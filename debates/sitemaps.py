from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Debate, Participant, Province, Topic


class DebateSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return Debate.objects.published().newest_first()

    def lastmod(self, debate):
        return debate.updated_at


class TopicSitemap(Sitemap):
    def items(self):
        return Topic.objects.with_published_debates().order_by("slug")


class ProvinceSitemap(Sitemap):
    def items(self):
        return Province.objects.with_published_debates().order_by("slug")


class SpeakerSitemap(Sitemap):
    def items(self):
        # Only named participants have a page; get_absolute_url is None for the rest.
        return Participant.objects.with_public_page().order_by("slug")


class PageSitemap(Sitemap):
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
