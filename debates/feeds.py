import datetime

from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from .models import Debate


class PlainTextAtom1Feed(Atom1Feed):
    """Atom whose summaries are plain text.

    Summaries are staff-entered text, not HTML: as ``type="html"`` a feed reader would
    run any markup in them. The XML writer escapes them once.
    """

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, {**item, "description": None})
        if item["description"] is not None:
            handler.addQuickElement("summary", item["description"], {"type": "text"})


def as_datetime(day):
    """Feeds want a moment; a debate or report has a day."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


class DebatesFeed(Feed):
    feed_type = PlainTextAtom1Feed
    title = _("Debate Record: debates")
    subtitle = _("Public debates in the provinces, newest first.")
    link = reverse_lazy("debates:debate_list")

    def items(self):
        return Debate.objects.published().with_related().newest_first()[:50]

    def item_title(self, item):
        return f"{item.title} ({item.province.name}, {item.held_on_display})"

    def item_description(self, item):
        return item.summary or (item.topic.question if item.topic else "")

    def item_pubdate(self, item):
        return as_datetime(item.held_on)

    def item_updateddate(self, item):
        return item.updated_at
