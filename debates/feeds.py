import datetime

from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from . import languages
from .languages import LocalizedText
from .models import Debate


class PlainTextAtom1Feed(Atom1Feed):
    """Atom whose summaries are plain text, and whose entries say their language.

    Summaries are staff-entered text, not HTML: as ``type="html"`` a feed reader would
    run any markup in them. The XML writer escapes them once.

    The feed's ``xml:lang`` is the page's (its own title and subtitle are in it); an entry
    whose title has no translation into it says ``xml:lang="en"``, and a summary in
    another language than its entry's says its own.
    """

    def item_attributes(self, item):
        language = item.get("title_language")
        if language and language != self.feed["language"]:
            return {"xml:lang": language}
        return {}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, {**item, "description": None})
        if item["description"] is not None:
            attributes = {"type": "text"}
            entry_language = item.get("title_language") or self.feed["language"]
            language = item.get("description_language")
            if language and item["description"] and language != entry_language:
                attributes["xml:lang"] = language
            handler.addQuickElement("summary", item["description"], attributes)


def language_of(text):
    """The language of an entry's title or summary (a LocalizedText); plain text is the
    site's own, in the page's language."""
    return getattr(text, "language", None) or languages.active()


class ContentFeed(Feed):
    """A feed of content shown in the page's language where translated (``item_title``
    and ``item_description`` give LocalizedTexts), each entry marked with its language."""

    feed_type = PlainTextAtom1Feed

    def item_extra_kwargs(self, item):
        return {
            "title_language": language_of(self.item_title(item)),
            "description_language": language_of(self.item_description(item)),
        }


def as_datetime(day):
    """Feeds want a moment; a debate or report has a day."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


class DebatesFeed(ContentFeed):
    title = _("Debate Record: debates")
    subtitle = _("Public debates in the provinces, newest first.")
    link = reverse_lazy("debates:debate_list")

    def items(self):
        return Debate.objects.published().with_related().newest_first()[:50]

    def item_title(self, item):
        title = item.localized("title")
        text = _("%(title)s (%(province)s, %(when)s)") % {
            "title": title,
            "province": item.province.localized_name(),
            "when": item.held_on_display,
        }
        return LocalizedText(text, title.language)

    def item_description(self, item):
        summary = item.localized("summary")
        if summary or item.topic is None:
            return summary
        return item.topic.localized("question")

    def item_pubdate(self, item):
        return as_datetime(item.held_on)

    def item_updateddate(self, item):
        return item.updated_at
