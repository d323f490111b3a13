"""Reports: stories editors write from one or more debates, featuring their statements."""

from collections import defaultdict

from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import F, Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from debates.history import tracked
from debates.languages import LocalizedText
from debates.models import (
    PUBLISH_REPORT,
    Corrected,
    Debate,
    Programme,
    Statement,
    Status,
    Translatable,
    format_day,
    publishing_refusal,
    slug_field,
)

from .markdown import plain_text, render_markdown
from .quotecheck import check_quotes, redact_withdrawn


def featured_quote_problem(statement, debate_ids, report_status):
    """Why ``statement`` may not be featured by a report, or None if it may.

    The one rule for featured quotes, shared by the admin and the importer: a quote
    comes from one of the report's debates, and a published report quotes only
    published debates.
    """
    if statement.debate_id not in set(debate_ids):
        return _(
            "“%(quote)s” is from the debate “%(debate)s”, which this report is not based on. "
            "Add that debate to the report or choose another quote."
        ) % {"quote": _shorten(statement.text), "debate": statement.debate.title}
    if report_status == Status.PUBLISHED and statement.debate.status != Status.PUBLISHED:
        return _(
            "“%(quote)s” is from the draft debate “%(debate)s”; a published report can only "
            "quote published debates."
        ) % {"quote": _shorten(statement.text), "debate": statement.debate.title}
    return None


def _passages(mismatches):
    return ", ".join(f"“{_shorten(result.passage)}” ({result.verdict})" for result in mismatches)


def _shorten(text, limit=60):
    return text if len(text) <= limit else text[: limit - 1] + "…"


# A report body is a long article in Markdown; ten times a long one.
BODY_MAX_LENGTH = 100_000


class ReportQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED)

    def shown(self, preview=False):
        """Those a page may show: ``published()``; in a staff preview (``record.preview``)
        drafts and those in review too."""
        return self if preview else self.published()

    def in_review(self):
        """Finished drafts waiting for an editor to publish them."""
        return self.filter(status=Status.REVIEW)

    def newest_first(self):
        return self.order_by(F("published_on").desc(nulls_last=True), "-id")

    def in_programme(self, programme):
        return self.filter(programme=programme)

    def in_province(self, province):
        return self.filter(debates__province=province).distinct()

    def drawing_on(self, debate):
        return self.filter(debates=debate)

    def with_page_parts(self, include_draft_debates=False):
        """What a report's page shows, in a fixed number of queries.

        The public sees only quotes from, and links to, published debates; an editor's
        preview may include draft debates that will be published with the report.
        """
        quotes = FeaturedQuote.objects.for_display()
        debates = Debate.objects.with_related().newest_first()
        if not include_draft_debates:
            quotes = quotes.published()
            debates = debates.published()
        return self.select_related("programme").prefetch_related(
            Prefetch("quotes", queryset=quotes, to_attr="page_quotes"),
            Prefetch("debates", queryset=debates, to_attr="page_debates"),
        )


class Report(Corrected, Translatable):
    TRANSLATED = ("headline", "standfirst", "body", "byline")

    headline = models.CharField(_("headline"), max_length=300)
    slug = slug_field()
    standfirst = models.CharField(
        _("standfirst"),
        max_length=500,
        blank=True,
        help_text=_("The one-line summary under the headline."),
    )
    body = models.TextField(
        _("body"),
        max_length=BODY_MAX_LENGTH,
        validators=[MaxLengthValidator(BODY_MAX_LENGTH)],
        help_text=_(
            "Markdown: paragraphs separated by a blank line, *emphasis*, [links](https://…). "
            "Raw HTML is removed."
        ),
    )
    byline = models.CharField(_("byline"), max_length=300, blank=True)
    programme = models.ForeignKey(
        Programme,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("programme"),
    )
    published_on = models.DateField(_("published on"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=Status.choices,
        default=Status.DRAFT,
        help_text=_(
            "Only a published report is shown to the public. Send a finished draft for "
            "review; an editor publishes it."
        ),
    )
    debates = models.ManyToManyField(
        Debate,
        blank=True,
        related_name="reports",
        verbose_name=_("debates"),
        help_text=_("The debates the report is based on; its quotes come from these."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ReportQuerySet.as_manager()
    history = tracked()

    class Meta:
        ordering = [F("published_on").desc(nulls_last=True), "-id"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        permissions = [("publish_report", _("Can publish reports"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="report_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-published_on"], name="report_status_published_idx")
        ]

    def __str__(self):
        return self.headline

    def get_absolute_url(self):
        return reverse("reports:report_detail", args=[self.slug])

    @property
    def is_published(self):
        return self.status == Status.PUBLISHED

    CORRECTED_FIELDS = ("headline", "standfirst", "body", "byline")

    # Changes anyone who may change reports may make: taking a report off the site.
    PROTECTIVE = {"status": lambda value: value != Status.PUBLISHED}

    @staticmethod
    def may_publish(user):
        return user.has_perm(PUBLISH_REPORT)

    @classmethod
    def change_refusal(cls, user, changes, *, status=None):
        """Why ``user`` may not make ``changes`` to a report stored with ``status``.

        None if they may; ``status`` None is a new report, ``DELETE`` as ``changes``
        asks about deleting it. Publishing a report, and changing or deleting a
        published one, need ``publish_report``; unpublishing does not.
        """
        return publishing_refusal(
            user,
            changes,
            protective=cls.PROTECTIVE,
            published=status == Status.PUBLISHED,
            publish_permission=PUBLISH_REPORT,
            publishes=status != Status.PUBLISHED
            and changes.get("status", status) == Status.PUBLISHED,
            publish_message=_(
                "you do not have permission to publish reports "
                "(an editor publishes a report in review)"
            ),
            published_message=_(
                "the report is published: changing or deleting it needs permission to "
                "publish reports (anyone may unpublish it)"
            ),
        )

    # Publishing ------------------------------------------------------------------
    #
    # The rules of publishing a report, asked by its form and the list actions: it gets
    # a date, and its quotes are checked against its debates' statements first.

    def date_on_publishing(self):
        """A published report without a date is dated today, so that lists sort it as new."""
        if self.status == Status.PUBLISHED and self.published_on is None:
            self.published_on = timezone.localdate()

    @staticmethod
    def quote_mismatches(body, debates):
        """The quoted passages of ``body`` that the quote check finds no exact source for
        in the statements of ``debates``: misquoted, unsourced or withdrawn."""
        statements = Statement.objects.filter(debate__in=debates).select_related("debate")
        return [result for result in check_quotes(body, statements) if not result.matched]

    @staticmethod
    def quote_refusal(mismatches, override=False):
        """Why a report whose quote check found ``mismatches`` may not be published, or
        None. An editor may publish it anyway (``override``): it is recorded in its
        history (``override_reason``)."""
        if not mismatches or override:
            return None
        return _(
            "the quote check finds %(count)d quoted passage without an exact source in the "
            "report's debates (%(passages)s): correct the body, or publish despite the check"
        ) % {"count": len(mismatches), "passages": _passages(mismatches)}

    @staticmethod
    def override_reason(mismatches):
        """The change reason in the history of a report published despite ``mismatches``."""
        return _("published despite the quote check: %(passages)s") % {
            "passages": _passages(mismatches)
        }

    @property
    def published_on_display(self):
        return format_day(self.published_on) if self.published_on else ""

    @cached_property
    def withdrawn_statements(self):
        """The withheld statements of the report's debates (see ``attach_withdrawn``)."""
        if self.pk is None:
            return []
        return list(
            Statement.objects.filter(withheld=True, debate__reports=self).only(*WITHDRAWN_FIELDS)
        )

    @property
    def public_body(self):
        """The body as the public reads it, in the page's language where translated:
        passages quoting withheld statements (in any language) withdrawn."""
        body = self.localized("body")
        return LocalizedText(redact_withdrawn(body.text, self.withdrawn_statements), body.language)

    @property
    def body_html(self):
        return render_markdown(self.public_body.text)

    @property
    def description(self):
        """One line for link previews and feeds, in the page's language where translated."""
        standfirst = self.localized("standfirst")
        if standfirst:
            return standfirst
        body = self.public_body
        return LocalizedText(plain_text(body.text, limit=200), body.language)


# What redacting a body needs of a withheld statement: its words in every language.
WITHDRAWN_FIELDS = ("text", "original_text", "translations", "withheld")


def attach_withdrawn(reports):
    """Load the ``withdrawn_statements`` of each of ``reports`` in one query; a list."""
    reports = list(reports)
    if not reports:
        return reports
    found = defaultdict(list)
    statements = (
        Statement.objects.filter(withheld=True, debate__reports__in=reports)
        .annotate(report_id=F("debate__reports"))
        .only(*WITHDRAWN_FIELDS)
    )
    for statement in statements:
        found[statement.report_id].append(statement)
    for report in reports:
        report.__dict__["withdrawn_statements"] = found[report.pk]
    return reports


class FeaturedQuoteQuerySet(models.QuerySet):
    def published(self):
        """Quotes the public may see: from published debates only."""
        return self.filter(statement__debate__status=Status.PUBLISHED)

    def for_display(self):
        # Prefetched, not joined: the statement's link needs its place in its debate
        # (``Statement.objects.for_display()``), which a join cannot annotate.
        return self.prefetch_related(
            Prefetch("statement", queryset=Statement.objects.for_display())
        )


class FeaturedQuote(models.Model):
    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="quotes", verbose_name=_("report")
    )
    statement = models.ForeignKey(
        Statement,
        on_delete=models.PROTECT,
        related_name="featured_in",
        verbose_name=_("statement"),
        help_text=_("A statement of one of the report's debates."),
    )
    order = models.PositiveIntegerField(_("order"), default=0)

    objects = FeaturedQuoteQuerySet.as_manager()
    history = tracked()

    class Meta:
        ordering = ["report", "order", "id"]
        verbose_name = _("featured quote")
        verbose_name_plural = _("featured quotes")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "statement"],
                name="featured_quote_once_per_report",
                violation_error_message=_("This report already features that statement."),
            )
        ]

    def __str__(self):
        return str(self.statement)

    def get_absolute_url(self):
        return self.statement.get_absolute_url()

    @property
    def is_withdrawn(self):
        """Its statement is withheld: the report shows that a quote was withdrawn."""
        return self.statement.withheld
