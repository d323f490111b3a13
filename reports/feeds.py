from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from debates.feeds import ContentFeed, as_datetime

from .models import Report, attach_withdrawn


class ReportsFeed(ContentFeed):
    title = _("Debate Record: reports")
    subtitle = _("Stories written from public debates, newest first.")
    link = reverse_lazy("reports:report_list")

    def items(self):
        # Descriptions drawn from a body leave out what it quotes of withheld statements.
        return attach_withdrawn(Report.objects.published().newest_first()[:50])

    def item_title(self, item):
        return item.localized("headline")

    def item_description(self, item):
        return item.description

    def item_author_name(self, item):
        return str(item.localized("byline")) or None

    def item_pubdate(self, item):
        return as_datetime(item.published_on) if item.published_on else item.created_at

    def item_updateddate(self, item):
        return item.updated_at
