"""Programmes, provinces, topics and positions, participants, debates and statements.

What the public may see of a participant is decided in ``debates.attribution`` and
nowhere else; what the public may see at all is decided by the ``published()`` querysets.
"""

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, RegexValidator
from django.db import models, transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from . import attribution, languages, search
from .history import record_bulk, tracked
from .languages import LocalizedText, ShownFields
from .localize import format_day, format_month

SLUG_PATTERN = r"^[a-z0-9-]{1,100}$"
# Longest text staff may enter, in characters (admin and import alike): a statement is
# what one speaker said at one turn, a summary or description a few paragraphs. Far
# above real data, they keep one field from making a page or a feed megabytes long.
STATEMENT_MAX_LENGTH = 20_000
SUMMARY_MAX_LENGTH = 20_000
DESCRIPTION_MAX_LENGTH = 20_000

slug_validator = RegexValidator(
    re.compile(SLUG_PATTERN),
    _("Use 1 to 100 lowercase letters, digits and hyphens."),
    code="invalid_slug",
)
language_tag_validator = RegexValidator(
    re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$"),
    _("Use a language tag such as fa-AF (Dari) or ps (Pashto)."),
    code="invalid_language",
)


class TranslationMethod(models.TextChoices):
    HUMAN = languages.HUMAN, _("by a person")
    MACHINE = languages.MACHINE, _("by machine")


class Translatable(models.Model):
    """Public text in Dari and Pashto beside the English, as the record format carries it.

    ``translations`` is ``{"fa": {"title": ...}, "ps": {...}}``; ``TRANSLATED`` names the
    fields a translation may hold, in the record format's order.
    """

    TRANSLATED: tuple[str, ...] = ()
    # Keys a translation may carry besides text (a statement's method and review).
    TRANSLATION_EXTRA: tuple[str, ...] = ()

    translations = models.JSONField(
        _("translations"),
        default=dict,
        blank=True,
        help_text=_("Dari (fa) and Pashto (ps) text, edited in the fields for each language."),
    )

    class Meta:
        abstract = True

    def translation(self, field_name, language):
        """The ``field_name`` text in ``language``, or "" when there is none."""
        return ((self.translations or {}).get(language) or {}).get(field_name) or ""

    def localized(self, field_name, language=None):
        """``field_name`` in ``language`` (default: the page's), else the English."""
        language = languages.primary(language) if language else languages.active()
        if language != languages.ENGLISH:
            text = self.translation(field_name, language)
            if text:
                return LocalizedText(text, language)
        return LocalizedText(getattr(self, field_name), languages.ENGLISH)

    @property
    def shown(self):
        """Its translated fields in the page's language: ``{{ topic.shown.title }}``."""
        return ShownFields(self, self.TRANSLATED)

    def clean(self):
        super().clean()
        problems = languages.translation_problems(
            self.translations, self.TRANSLATED, self.TRANSLATION_EXTRA
        )
        if problems:
            raise ValidationError({"translations": problems})


def slug_field(verbose_name=None, **kwargs):
    """The record format's slug: lowercase ASCII letters, digits and hyphens."""
    kwargs.setdefault("unique", True)
    kwargs.setdefault(
        "help_text", _("Lowercase letters, digits and hyphens; identifies it across files.")
    )
    return models.SlugField(
        verbose_name or _("slug"), max_length=100, validators=[slug_validator], **kwargs
    )


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REVIEW = "review", _("Waiting for review")
    PUBLISHED = "published", _("Published")

    @classmethod
    def choices_for(cls, may_publish, current=None):
        """The statuses a user may choose: without permission to publish, draft and
        review (and ``current``, so a published object's form keeps its value)."""
        if may_publish:
            return cls.choices
        return [
            (value, label)
            for value, label in cls.choices
            if value != cls.PUBLISHED or value == current
        ]


# Who may publish, and change what is public -------------------------------------
#
# The one rule for debates, statements and reports, used by the admin (forms, list
# actions, delete) and by the importer. A change is a dict {field: new value} of the
# fields that change; what the object is now (its status, whether a published report
# draws on it) is passed in, so the importer can ask about rows without loading them.

PUBLISH_DEBATE = "debates.publish_debate"
PUBLISH_REPORT = "reports.publish_report"


def unprotective(changes, protective):
    """The fields of ``changes`` that do more than protect speakers.

    ``protective`` maps a field to a test of its new value: unpublishing, withholding a
    statement. Protecting is open to anyone who may change the object.
    """
    return [name for name, value in changes.items() if not protective.get(name, _never)(value)]


def _never(value):
    return False


def publishing_refusal(
    user,
    changes,
    *,
    protective,
    published,
    publish_permission,
    published_message,
    in_published_report=False,
    report_message=None,
    publishes=False,
    publish_message=None,
):
    """Why ``user`` may not make ``changes`` (None: they may); see the callers."""
    if publishes and not user.has_perm(publish_permission):
        return publish_message
    if not unprotective(changes, protective):
        return None
    if published and not user.has_perm(publish_permission):
        return published_message
    if in_published_report and not user.has_perm(PUBLISH_REPORT):
        return report_message
    return None


# Deleting is never protective: it is refused where a change would be.
DELETE = {"DELETE": True}


class HasDebatesQuerySet(models.QuerySet):
    """For the models debates point to (as ``debates``): programmes, provinces, topics."""

    def _published_debates(self, **debate_lookups):
        """Published debates of the outer row (for subqueries), narrowed by ``debate_lookups``."""
        field = self.model._meta.get_field("debates").field.name
        return (
            Debate.objects.published()
            .filter(**{field: models.OuterRef("pk")}, **debate_lookups)
            .order_by()
        )

    def having_published_debates(self, **debate_lookups):
        """Those with one published debate or more, without counting them (filter
        choices, the sitemap's list; see ``with_published_debates``)."""
        return self.filter(models.Exists(self._published_debates(**debate_lookups)))

    def with_published_debates(self, **debate_lookups):
        """Those with one published debate or more, with the count as ``debate_count``.

        Draft debates do not exist for the public, so they neither count nor make a
        topic or programme appear. ``debate_lookups`` narrow the debates counted, e.g.
        ``province=kunduz``.
        """
        return self.having_published_debates(**debate_lookups).with_debate_count(**debate_lookups)

    def with_debate_count(self, **debate_lookups):
        """Each one's count of published debates as ``debate_count``.

        A correlated subquery: counted for the rows fetched only, where a join and GROUP
        BY would count every debate before a page or a LIMIT is taken.
        """
        counts = (
            self._published_debates(**debate_lookups)
            .values(self.model._meta.get_field("debates").field.name)
            .annotate(n=models.Count("pk"))
            .values("n")
        )
        return self.annotate(debate_count=Coalesce(models.Subquery(counts), 0))

    def most_debated(self, **debate_lookups):
        """Those with published debates, the most debated first (then by name)."""
        return self.with_published_debates(**debate_lookups).order_by(
            "-debate_count", *self.model._meta.ordering
        )


class Programme(Translatable):
    TRANSLATED = ("name", "description")

    name = models.CharField(_("name"), max_length=300)
    slug = slug_field()
    description = models.TextField(
        _("description"),
        blank=True,
        max_length=DESCRIPTION_MAX_LENGTH,
        validators=[MaxLengthValidator(DESCRIPTION_MAX_LENGTH)],
    )
    started_on = models.DateField(_("started on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    objects = HasDebatesQuerySet.as_manager()
    history = tracked()

    class Meta:
        ordering = ["name"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(ended_on__gte=F("started_on")),
                name="programme_ends_after_it_starts",
                violation_error_message=_("A programme cannot end before it starts."),
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("debates:debate_list") + f"?programme={self.slug}"

    @property
    def shown_name(self):
        """Its name in the page's language, as lists of topics, provinces and programmes
        name each item."""
        return self.localized("name")

    def clean(self):
        super().clean()
        if self.started_on and self.ended_on and self.ended_on < self.started_on:
            raise ValidationError({"ended_on": _("A programme cannot end before it starts.")})


class Province(models.Model):
    code = models.CharField(
        _("ISO 3166-2 code"),
        max_length=6,
        unique=True,
        validators=[RegexValidator(r"^[A-Z]{2}-[A-Z0-9]{1,3}$", _("Use a code such as AF-KDZ."))],
    )
    name = models.CharField(_("name (English)"), max_length=100)
    name_fa = models.CharField(_("name (Dari)"), max_length=100, blank=True)
    name_ps = models.CharField(_("name (Pashto)"), max_length=100, blank=True)
    slug = slug_field()

    objects = HasDebatesQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("debates:province_detail", args=[self.slug])

    def localized_name(self, language=None):
        """The name in ``language`` (default: the page's), else the English."""
        language = languages.primary(language) if language else languages.active()
        local = {"fa": self.name_fa, "ps": self.name_ps}.get(language)
        if local:
            return LocalizedText(local, language)
        return LocalizedText(self.name, languages.ENGLISH)

    def localized(self, field_name, language=None):
        """As Translatable's: only the name has translations (in name_fa and name_ps)."""
        if field_name == "name":
            return self.localized_name(language)
        return LocalizedText(getattr(self, field_name), languages.ENGLISH)

    @property
    def shown(self):
        return ShownFields(self, ("name",))

    @property
    def shown_name(self):
        return self.localized_name()

    @property
    def other_name(self):
        """The name shown beside ``shown_name``: the Dari one beside the English, the
        English beside a Dari or Pashto one; empty when there is none to add."""
        shown = self.localized_name()
        if shown.language == languages.ENGLISH:
            return self.localized_name("fa") if self.name_fa else LocalizedText("", "fa")
        return LocalizedText(self.name, languages.ENGLISH)


class Stance(models.TextChoices):
    FOR = "for", _("For")
    AGAINST = "against", _("Against")
    MIXED = "mixed", _("Mixed")
    NEUTRAL = "neutral", _("Neutral")


class TopicQuerySet(HasDebatesQuerySet):
    def public(self):
        """Topics the public sees: those with a published debate on them."""
        return self.having_published_debates()


class Topic(Translatable):
    TRANSLATED = ("title", "question", "description")

    title = models.CharField(_("title"), max_length=300)
    slug = slug_field()
    question = models.CharField(
        _("question"), max_length=500, blank=True, help_text=_("The motion, as a question.")
    )
    description = models.TextField(
        _("description"),
        blank=True,
        max_length=DESCRIPTION_MAX_LENGTH,
        validators=[MaxLengthValidator(DESCRIPTION_MAX_LENGTH)],
    )

    objects = TopicQuerySet.as_manager()
    history = tracked()

    class Meta:
        ordering = ["title"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("debates:topic_detail", args=[self.slug])

    @cached_property
    def is_public(self):
        """Whether a published debate is on it: the public then reads it and its positions."""
        return self.pk is not None and Topic.objects.public().filter(pk=self.pk).exists()

    @classmethod
    def change_refusal(cls, user, changes, *, public=False):
        """Why ``user`` may not make ``changes`` to a topic or its positions, or None.

        ``public`` is whether a published debate is on the topic (``is_public``); pass
        ``DELETE`` as ``changes`` to ask about deleting. Whoever may add topics (Data
        entry too) creates one with its positions and changes them while no published
        debate is on it, so a debate on a new motion need not wait; from the first
        published debate on, what the public reads on its pages is changed by those who
        may publish debates (Editors).
        """
        return publishing_refusal(
            user,
            changes,
            protective={},
            published=public,
            publish_permission=PUBLISH_DEBATE,
            published_message=_(
                "the topic is public (a published debate is on it): changing it or its "
                "positions needs permission to publish debates; ask an editor"
            ),
        )

    @property
    def shown_name(self):
        return self.localized("title")

    def province_position_matrix(self, positions):
        """Where each view was voiced: published statements per province and position."""
        counts = Statement.objects.published().filter(debate__topic=self)
        counts = counts.count_by_province_and_position()
        provinces = Province.objects.filter(
            debates__topic=self, debates__status=Status.PUBLISHED
        ).distinct()
        columns = [position.pk for position in positions]
        with_unpositioned = any(position_id is None for _, position_id in counts)
        if with_unpositioned:
            columns.append(None)
        rows = [
            MatrixRow(province, [counts.get((province.pk, column), 0) for column in columns])
            for province in provinces
        ]
        return PositionMatrix(positions, with_unpositioned, rows)


class Position(Translatable):
    TRANSLATED = ("label",)

    topic = models.ForeignKey(
        Topic, on_delete=models.CASCADE, related_name="positions", verbose_name=_("topic")
    )
    slug = slug_field(unique=False, help_text=_("Unique within the topic."))
    label = models.CharField(_("label"), max_length=300)
    stance = models.CharField(
        _("stance"),
        max_length=10,
        choices=Stance.choices,
        help_text=_("Relative to the topic's question."),
    )
    order = models.PositiveIntegerField(_("order"), default=0)

    history = tracked()

    class Meta:
        ordering = ["topic", "order", "id"]
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        constraints = [
            models.UniqueConstraint(
                fields=["topic", "slug"],
                name="position_slug_unique_in_topic",
                violation_error_message=_("This topic already has a position with this slug."),
            ),
            models.CheckConstraint(
                condition=Q(stance__in=Stance.values), name="position_stance_valid"
            ),
        ]

    def __str__(self):
        return f"{self.topic.title}: {self.label}"

    def get_absolute_url(self):
        return self.topic.get_absolute_url() + f"#position-{self.slug}"


@dataclass
class MatrixRow:
    province: "Province"
    cells: list

    @property
    def total(self):
        return sum(self.cells)


@dataclass
class PositionMatrix:
    positions: list
    with_unpositioned: bool
    rows: list


class Attribution(models.TextChoices):
    NAMED = "named", _("Named: the public sees name and role")
    ROLE = "role", _("Role: the public sees role and province, never the name")
    ANONYMOUS = "anonymous", _("Anonymous: the public sees only that someone spoke")

    @classmethod
    def protection(cls, value):
        """How much of the person ``value`` hides: named 0, role 1, anonymous 2.

        An attribution nobody chose (blank, unknown) protects as anonymous does.
        """
        return {cls.NAMED: 0, cls.ROLE: 1}.get(value, 2)


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")


class ParticipantQuerySet(models.QuerySet):
    def named(self):
        return self.filter(attribution=Attribution.NAMED)

    def published(self):
        """Participants with a published statement, or who moderated a published debate."""
        # EXISTS stops at the first such statement; a join would read all of them, then
        # DISTINCT would drop the repeats.
        return self.filter(
            models.Exists(Statement.objects.published().filter(speaker=models.OuterRef("pk")))
            | models.Exists(Debate.objects.published().filter(moderator=models.OuterRef("pk")))
        )

    def with_public_page(self):
        """Named participants who spoke at, or moderated, a published debate."""
        return self.named().published()

    def of_debates(self, debates):
        """Those who spoke at, or moderated, one of ``debates`` (Debates, or their pks)."""
        return self.filter(
            Q(statements__debate__in=debates) | Q(moderated_debates__in=debates)
        ).distinct()

    def of_provinces(self, provinces):
        """Those of the debates held in ``provinces``, and those from these provinces.

        In an emergency (a province falls) the people from it are at risk wherever
        they spoke.
        """
        return self.filter(
            Q(province__in=provinces)
            | Q(statements__debate__province__in=provinces)
            | Q(moderated_debates__province__in=provinces)
        ).distinct()

    def of_programmes(self, programmes):
        """Those of the debates of ``programmes``."""
        return self.of_debates(Debate.objects.filter(programme__in=programmes).values("pk"))

    def sharing_label_with(self, participant):
        """Those of these participants whose public label is one ``participant`` has.

        Labels come from ``debates.attribution`` (the one place for them). A role
        participant without a province is labelled with each debate's province, so may
        have several; ``participant``'s are those of all its debates, drafts included,
        as they will read once published.
        """
        labels = participant.public_labels(published_only=False)
        if not labels:
            return []
        candidates = self.filter(
            attribution=participant.attribution, role=participant.role
        ).select_related("province")
        return [other for other in candidates if other.public_labels() & labels]

    @transaction.atomic
    def make_anonymous(self, *, user=None, reason):
        """Make every one of them anonymous at once; return how many changed.

        Raising protection needs no more than permission to change participants. Each
        change is recorded in the history, in bulk, with ``reason``.
        """
        changing = list(
            Participant.objects.filter(pk__in=self.values("pk"))
            .exclude(attribution=Attribution.ANONYMOUS)
            .select_for_update()
        )
        for participant in changing:
            participant.attribution = Attribution.ANONYMOUS
        Participant.objects.bulk_update(changing, ["attribution"], batch_size=1000)
        record_bulk(Participant, changing, update=True, user=user, reason=reason)
        Debate.objects.of_participants([participant.pk for participant in changing]).touch()
        return len(changing)


# What an erased name, organisation (and slug, after a hyphen) become, for good.
ERASED = "erased"
ERASURE_REASON = "name and organisation erased"


def without_translated_names(translations):
    """``translations`` with the translated names taken out (roles kept)."""
    kept = {}
    for language, values in (translations or {}).items():
        values = {key: value for key, value in values.items() if key != "name"}
        if values:
            kept[language] = values
    return kept


class Participant(Translatable):
    TRANSLATED = ("name", "role")

    name = models.CharField(
        _("name"), max_length=300, help_text=_("As staff know it; may be a single word.")
    )
    slug = slug_field()
    role = models.CharField(
        _("role"),
        max_length=300,
        blank=True,
        help_text=_("e.g. provincial council member, audience member."),
    )
    organisation = models.CharField(_("organisation"), max_length=300, blank=True)
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participants",
        verbose_name=_("province"),
    )
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    attribution = models.CharField(
        _("attribution"),
        max_length=10,
        choices=Attribution.choices,
        default=Attribution.ANONYMOUS,
        help_text=_(
            "What the public may see. Named: name and role. Role: role and province, never "
            "the name. Anonymous: only that someone spoke at the debate. Name and "
            "organisation of a role or anonymous participant never leave the admin."
        ),
    )

    objects = ParticipantQuerySet.as_manager()
    history = tracked()

    # Lowering a participant's protection (anonymous -> role -> named) needs it.
    REVEAL_PERMISSION = "debates.reveal_participant"

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        indexes = [models.Index(fields=["name"], name="participant_name_idx")]
        permissions = [
            (
                "reveal_participant",
                _("Can reveal a participant (anonymous to role to named), with a reason"),
            ),
            (
                "view_withheld_names",
                _("Can see the name and organisation of a role or anonymous participant"),
            ),
            ("erase_participant_name", _("Can erase a withheld participant's name for good")),
        ]

    def __str__(self):
        # Never a withheld name, so that nothing formatting a participant by accident
        # (breadcrumbs, delete pages, log entries, history titles) can show it. The admin
        # asks attribution.staff_label() where staff who may see the name should.
        if attribution.is_withheld(self):
            return attribution.withheld_label(self)
        return self.name

    def get_absolute_url(self):
        """The public speaker page, or None: only named participants have one."""
        if self.attribution != Attribution.NAMED:
            return None
        return reverse("debates:speaker_detail", args=[self.slug])

    def public_label(self, debate=None):
        return attribution.public_speaker(self, debate).label

    def erasure_problem(self, user):
        """Why ``user`` may not erase this participant's name, or None if they may."""
        if not user.has_perm("debates.erase_participant_name"):
            return _("Erasing a name needs the permission to erase participants' names.")
        if not attribution.is_withheld(self):
            return _(
                "%(name)s is named: the public sees the name, so erasing it here would not "
                "hide it. Make the participant role or anonymous first."
            ) % {"name": self.name}
        if self.name == ERASED:
            return _("This participant's name is already erased.")
        return None

    def erase_name(self):
        """Replace the name, organisation and slug with ERASED, here and in all history.

        For good: every historical row of this participant, the change reasons, consent
        notes and the admin's log lose them too. The change itself is recorded in the history (who,
        when), without the old values. Call ``erasure_problem()`` first.
        """
        from django.contrib.admin.models import LogEntry
        from django.contrib.contenttypes.models import ContentType

        old = [value for value in (self.name, self.organisation, self.slug) if value]
        old += [self.translation("name", language) for language in languages.TRANSLATION_LANGUAGES]
        old = [value for value in old if value]
        with transaction.atomic():
            self.translations = without_translated_names(self.translations)
            self.name = ERASED
            self.organisation = ERASED if self.organisation else ""
            # A slug is usually made from the name.
            self.slug = f"{ERASED}-{self.pk}"
            self._change_reason = ERASURE_REASON
            self.save()
            history = self.history.model.objects.filter(id=self.pk)
            history.update(name=self.name, slug=self.slug)
            history.exclude(organisation="").update(organisation=ERASED)
            for row in history.only("history_id", "translations"):
                if row.translations != without_translated_names(row.translations):
                    history.filter(history_id=row.history_id).update(
                        translations=without_translated_names(row.translations)
                    )
            for row in history.exclude(history_change_reason__isnull=True).exclude(
                history_change_reason=""
            ):
                reason = row.history_change_reason
                for value in old:
                    reason = reason.replace(value, ERASED)
                if reason != row.history_change_reason:
                    history.filter(history_id=row.history_id).update(history_change_reason=reason)
            for consent in self.consents.all():
                note = consent.note
                for value in old:
                    note = note.replace(value, ERASED)
                if note != consent.note:
                    Consent.objects.filter(pk=consent.pk).update(note=note)
            LogEntry.objects.filter(
                content_type=ContentType.objects.get_for_model(Participant),
                object_id=str(self.pk),
            ).update(object_repr=str(self))

    def public_labels(self, published_only=True):
        """The labels the public sees for this participant, in its (published) debates."""
        if self.attribution == Attribution.ROLE and self.province_id is not None:
            # The participant's own province: one label, whatever the debate.
            return {attribution.public_speaker(self).label}
        statements = Statement.objects.published() if published_only else Statement.objects
        debates = Debate.objects.filter(
            Q(statements__in=statements.filter(speaker=self)) | Q(moderator=self)
        )
        if published_only:
            debates = debates.published()
        debates = debates.select_related("province").distinct()
        return {attribution.public_speaker(self, debate).label for debate in debates}

    # Revealing -------------------------------------------------------------------

    @staticmethod
    def lowers_protection(old, new):
        """True if attribution ``old`` -> ``new`` lets the public see more of the person.

        ``old`` None is a new participant: entering one is not revealing anyone.
        """
        if old is None:
            return False
        return Attribution.protection(new) < Attribution.protection(old)

    @classmethod
    def may_reveal(cls, user):
        return user is not None and user.has_perm(cls.REVEAL_PERMISSION)

    @classmethod
    def check_attribution_change(cls, old, new, *, may_reveal, reason="", consent=False):
        """The one rule for changing attribution, for the admin, import and history.

        Raising protection (named -> role -> anonymous) is always allowed. Lowering it
        needs ``may_reveal`` (the reveal permission, or the command line's explicit
        flag) and a reason for the record; lowering it to named also needs the person's
        consent, given with the change. Raises ValidationError with the codes
        ``reveal_permission``, ``reveal_reason`` and ``reveal_consent``.
        """
        if not cls.lowers_protection(old, new):
            return
        if not may_reveal:
            raise ValidationError(
                _(
                    "Changing attribution from %(old)s to %(new)s lets the public see more "
                    "of this person; that needs permission to reveal participants."
                )
                % {"old": _short(old), "new": _short(new)},
                code="reveal_permission",
            )
        errors = []
        if not (reason or "").strip():
            errors.append(
                ValidationError(
                    _("Give the reason for revealing more of this person; it is recorded."),
                    code="reveal_reason",
                )
            )
        if new == Attribution.NAMED and not consent:
            errors.append(
                ValidationError(
                    _(
                        "Naming this person needs their consent: when they agreed and how "
                        "(in person, by phone, in writing)."
                    ),
                    code="reveal_consent",
                )
            )
        if errors:
            raise ValidationError(errors)


def _short(value):
    """An attribution as an error message names it: named, role or anonymous."""
    return value if value in Attribution.values else Attribution.ANONYMOUS.value


class ConsentHow(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("By phone")
    WRITING = "writing", _("In writing")


class ConsentQuerySet(models.QuerySet):
    def latest_first(self):
        return self.order_by("-given_on", "-id")


class Consent(models.Model):
    """A speaker's agreement to be named in public. Staff-only: nothing public reads it."""

    participant = models.ForeignKey(
        Participant,
        on_delete=models.CASCADE,
        related_name="consents",
        verbose_name=_("participant"),
    )
    given_on = models.DateField(_("given on"), help_text=_("When the speaker agreed."))
    how = models.CharField(_("how"), max_length=10, choices=ConsentHow.choices)
    note = models.TextField(
        _("note"),
        blank=True,
        max_length=DESCRIPTION_MAX_LENGTH,
        validators=[MaxLengthValidator(DESCRIPTION_MAX_LENGTH)],
    )
    recorded_by = models.CharField(_("recorded by"), max_length=200, editable=False)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        ordering = ["participant", "-given_on", "-id"]
        verbose_name = _("consent to be named")
        verbose_name_plural = _("consents to be named")
        constraints = [
            models.CheckConstraint(
                condition=Q(how__in=ConsentHow.values), name="consent_how_valid"
            ),
        ]

    def __str__(self):
        return _("%(how)s on %(day)s") % {
            "how": self.get_how_display(),
            "day": format_day(self.given_on),
        }


class DebateQuerySet(search.SearchableQuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED)

    def shown(self, preview=False):
        """Those a page may show: ``published()``; in a staff preview (``record.preview``)
        drafts and those in review too."""
        return self if preview else self.published()

    def drafts(self):
        return self.filter(status=Status.DRAFT)

    def in_review(self):
        """Finished drafts waiting for an editor to publish them."""
        return self.filter(status=Status.REVIEW)

    def in_published_reports(self):
        """Debates a published report is based on."""
        return self.filter(reports__status=Status.PUBLISHED).distinct()

    def of_participants(self, participants):
        """Debates ``participants`` (Participants, or their pks) spoke at or moderated."""
        spoken_at = Statement.objects.filter(speaker__in=participants).values("debate_id")
        return self.filter(Q(pk__in=spoken_at) | Q(moderator__in=participants))

    def touch(self):
        """Mark their public pages changed now (``updated_at``, the sitemap's lastmod).

        For changes a debate's own save does not make: its statements, its speakers, a
        bulk update. Not a version in the history: nothing of the debate itself changed.
        """
        return self.update(updated_at=timezone.now())

    def in_province(self, province):
        return self.filter(province=province)

    def on_topic(self, topic):
        return self.filter(topic=topic)

    def in_programme(self, programme):
        return self.filter(programme=programme)

    def held_between(self, start=None, end=None):
        qs = self
        if start:
            qs = qs.filter(held_on__gte=start)
        if end:
            qs = qs.filter(held_on__lte=end)
        return qs

    def newest_first(self):
        return self.order_by("-held_on", "-id")

    def oldest_first(self):
        return self.order_by("held_on", "id")

    def with_related(self):
        """What a debate's public label needs, in the same query."""
        return self.select_related("province", "topic", "programme", "moderator__province")

    def with_statement_count(self, statements=None):
        """Each debate's count of ``statements``: by default those the public may see."""
        if statements is None:
            statements = Statement.objects.published()
        # A correlated subquery is counted only for the rows a page shows, where a join
        # and GROUP BY would count the statements of every debate before paginating.
        statements = (
            statements.filter(debate=models.OuterRef("pk"))
            .order_by()
            .values("debate")
            .annotate(n=models.Count("id"))
            .values("n")
        )
        return self.annotate(statement_count=Coalesce(models.Subquery(statements), 0))

    def matching(self, text):
        """Debates whose title, summary, district or venue hold every word of ``text``."""
        return self.search(text)


@dataclass
class PositionGroup:
    """The statements of one debate for one position, or for none."""

    position: "Position | None"
    statements: list = field(default_factory=list)
    # The debate's statements for the position (all pages), and their percentage.
    count: int = 0
    share: int = 0


class DatePrecision(models.TextChoices):
    DAY = "day", _("Day")
    MONTH = "month", _("Month")


class Debate(Translatable, search.Searchable):
    TRANSLATED = ("title", "summary", "district", "venue")

    title = models.CharField(_("title"), max_length=300)
    slug = slug_field()
    programme = models.ForeignKey(
        Programme,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="debates",
        verbose_name=_("programme"),
    )
    topic = models.ForeignKey(
        Topic,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="debates",
        verbose_name=_("topic"),
    )
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="debates", verbose_name=_("province")
    )
    district = models.CharField(_("district"), max_length=200, blank=True)
    venue = models.CharField(_("venue"), max_length=300, blank=True)
    held_on = models.DateField(_("held on"))
    held_on_precision = models.CharField(
        _("date precision"),
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
        help_text=_("Month: the public sees only the month, e.g. December 2015."),
    )
    moderator = models.ForeignKey(
        Participant,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="moderated_debates",
        verbose_name=_("moderator"),
    )
    attendance_total = models.PositiveIntegerField(_("attendance"), null=True, blank=True)
    attendance_women = models.PositiveIntegerField(
        _("women attending"), null=True, blank=True, help_text=_("At most the attendance.")
    )
    summary = models.TextField(
        _("summary"),
        blank=True,
        max_length=SUMMARY_MAX_LENGTH,
        validators=[MaxLengthValidator(SUMMARY_MAX_LENGTH)],
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=Status.choices,
        default=Status.DRAFT,
        help_text=_(
            "Only a published debate is shown to the public. Send a finished draft for "
            "review; an editor publishes it."
        ),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = DebateQuerySet.as_manager()

    # A debate's page shows this many statements; a statement's link names its page.
    STATEMENTS_PER_PAGE = 100
    history = tracked(excluded_fields=["search_document"])

    # The fields a debate is found by (see search.Searchable).
    SEARCH_SOURCES = ("title", "summary", "district", "venue", "translations")

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("debate")
        verbose_name_plural = _("debates")
        permissions = [
            ("publish_debate", _("Can publish debates and change published ones")),
            ("export_debates", _("Can export debates (the file holds withheld names)")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(attendance_women__isnull=True)
                | Q(attendance_total__isnull=True)
                | Q(attendance_women__lte=F("attendance_total")),
                name="debate_women_at_most_total",
                violation_error_message=_("Women attending cannot exceed the attendance."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="debate_status_valid"
            ),
        ]
        indexes = [
            # With the id, the newest debates come in the exact order lists and search
            # sort by, so a page of their statements needs no sort of a whole day's.
            models.Index(fields=["status", "-held_on", "-id"], name="debate_status_held_idx"),
            # Published debates counted per topic and per province (home, lists) from
            # the index alone.
            models.Index(fields=["topic", "status"], name="debate_topic_status_idx"),
            models.Index(fields=["province", "status"], name="debate_province_status_idx"),
        ]

    def __str__(self):
        return f"{self.title} ({self.province.name}, {self.held_on.isoformat()})"

    def get_absolute_url(self):
        return reverse("debates:debate_detail", args=[self.slug])

    @property
    def is_published(self):
        return self.status == Status.PUBLISHED

    # Changes anyone who may change debates may make: taking a debate off the site.
    PROTECTIVE = {"status": lambda value: value != Status.PUBLISHED}

    @staticmethod
    def may_publish(user):
        return user.has_perm(PUBLISH_DEBATE)

    @classmethod
    def change_refusal(cls, user, changes, *, status=None, in_published_report=False):
        """Why ``user`` may not make ``changes`` to a debate, or None if they may.

        ``status`` is the debate's stored status (None: a new debate); pass ``DELETE``
        as ``changes`` to ask about deleting it. Publishing needs ``publish_debate``;
        so does changing a published debate, and changing a debate a published report
        is based on needs ``publish_report``, except for unpublishing.
        """
        return publishing_refusal(
            user,
            changes,
            protective=cls.PROTECTIVE,
            published=status == Status.PUBLISHED,
            publish_permission=PUBLISH_DEBATE,
            publishes=status != Status.PUBLISHED
            and changes.get("status", status) == Status.PUBLISHED,
            publish_message=_(
                "you do not have permission to publish debates "
                "(an editor publishes a debate in review)"
            ),
            published_message=_(
                "the debate is published: changing or deleting it needs permission to "
                "publish debates (anyone may unpublish it or withhold a statement)"
            ),
            in_published_report=in_published_report,
            report_message=_(
                "a published report is based on this debate: changing or deleting it needs "
                "permission to publish reports (anyone may unpublish it)"
            ),
        )

    @property
    def held_on_display(self):
        if self.held_on_precision == DatePrecision.MONTH:
            return format_month(self.held_on)
        return format_day(self.held_on)

    @property
    def held_on_iso(self):
        """For ``<time datetime>``: a month-precision date gives no day."""
        if self.held_on_precision == DatePrecision.MONTH:
            return self.held_on.strftime("%Y-%m")
        return self.held_on.isoformat()

    @property
    def women_share(self):
        """Share of women in the audience as a whole percentage, or None."""
        if self.attendance_women is None or not self.attendance_total:
            return None
        return round(100 * self.attendance_women / self.attendance_total)

    def position_groups(self, statements, positions, counts=None):
        """The statements (in spoken order) grouped by position, for the debate page.

        Groups follow the topic's order of positions, keeping positions nobody took so
        the chart shows them; statements with no position come last, in their own group.
        ``statements`` may be one page of the debate's: ``counts`` ({position_id: n},
        ``count_by_position()``) then gives each group's count and share in the whole
        debate, for the chart.
        """
        groups = {position.pk: PositionGroup(position) for position in positions}
        if counts and None in counts:
            groups[None] = PositionGroup(None)
        for statement in statements:
            group = groups.get(statement.position_id)
            if group is None:
                group = groups[statement.position_id] = PositionGroup(statement.position)
            group.statements.append(statement)
        ordered = sorted(groups.values(), key=lambda group: group.position is None)
        for group in ordered:
            key = group.position.pk if group.position else None
            group.count = counts.get(key, 0) if counts is not None else len(group.statements)
        total = sum(group.count for group in ordered)
        for group in ordered:
            group.share = round(100 * group.count / total) if total else 0
        return ordered

    @property
    def moderator_label(self):
        if self.moderator_id is None:
            return None
        return attribution.public_speaker(self.moderator, self)

    def clean(self):
        super().clean()
        if (
            self.attendance_women is not None
            and self.attendance_total is not None
            and self.attendance_women > self.attendance_total
        ):
            raise ValidationError(
                {"attendance_women": _("Women attending cannot exceed the attendance.")}
            )


class StatementQuerySet(search.SearchableQuerySet):
    def published(self):
        """What the public may see: statements of published debates, none withheld."""
        return self.filter(debate__status=Status.PUBLISHED, withheld=False)

    def shown(self, preview=False):
        """What a debate's page shows: ``published()``; in a staff preview of a debate not
        yet public (``record.preview``), its statements as they will be, none withheld."""
        return self.filter(withheld=False) if preview else self.published()

    def featured_in_published_reports(self):
        return self.filter(featured_in__report__status=Status.PUBLISHED).distinct()

    def in_spoken_order(self):
        return self.order_by("debate_id", "order", "id")

    def for_display(self):
        """Everything a statement card needs (speaker label, position, link to it in its
        debate's page), in one query."""
        return self.for_debate_page().with_spoken_rank()

    def for_debate_page(self):
        """What a card on its own debate's page needs: its link is a plain anchor there."""
        return self.select_related("speaker__province", "position", "debate__province")

    def with_spoken_rank(self):
        """Each one's place among its debate's public statements in spoken order (0:
        first) as ``spoken_rank``: which page of the debate shows it."""
        before = (
            Statement.objects.filter(debate=models.OuterRef("debate"), withheld=False)
            .filter(
                Q(order__lt=models.OuterRef("order"))
                | Q(order=models.OuterRef("order"), pk__lt=models.OuterRef("pk"))
            )
            .order_by()
            .values("debate")
            .annotate(n=models.Count("pk"))
            .values("n")
        )
        return self.annotate(spoken_rank=Coalesce(models.Subquery(before), 0))

    def count_by_position(self):
        """``{position_id: n}``; position_id None for no position."""
        rows = self.order_by().values_list("position_id").annotate(n=models.Count("id"))
        return dict(rows)

    def by_speaker(self, participant):
        return self.filter(speaker=participant)

    def newest_debates_first(self):
        return self.order_by("-debate__held_on", "-debate_id", "order", "id")

    def count_by_province_and_position(self):
        """``{(province_id, position_id): n}``; position_id None for no position."""
        rows = self.values_list("debate__province_id", "position_id").annotate(n=models.Count("id"))
        return {(province_id, position_id): n for province_id, position_id, n in rows}


class Corrected(models.Model):
    """A published text that was corrected: the public is told when, and why.

    Changing what the public reads of a published statement or report (its
    ``CORRECTED_FIELDS``) corrects it: the public page then shows "Corrected on <date>"
    with the short note staff give. Not part of the record format.
    """

    corrected_on = models.DateField(
        _("corrected on"),
        null=True,
        blank=True,
        help_text=_("Set when what the public reads is changed after publishing."),
    )
    correction_note = models.CharField(
        _("correction note"),
        max_length=300,
        blank=True,
        help_text=_("Public: what was corrected, shown with the date of the correction."),
    )

    # The fields whose change, once published, corrects what the public reads.
    CORRECTED_FIELDS = ()

    class Meta:
        abstract = True

    @property
    def corrected_on_display(self):
        return format_day(self.corrected_on) if self.corrected_on else ""

    @classmethod
    def corrects(cls, changed, published):
        """Whether changing the fields ``changed`` of a published object corrects it."""
        return published and bool(set(changed) & {*cls.CORRECTED_FIELDS, "correction_note"})

    def note_correction(self, changed, published):
        """Date the correction if changing ``changed`` corrects this (see ``corrects``)."""
        if self.corrects(changed, published):
            self.corrected_on = timezone.localdate()


class Kind(models.TextChoices):
    QUOTE = "quote", _("Quote (verbatim words)")
    PARAPHRASE = "paraphrase", _("Paraphrase (reported speech)")


class Statement(Corrected, Translatable, search.Searchable):
    TRANSLATED = ("text",)
    TRANSLATION_EXTRA = ("method", "reviewed")

    debate = models.ForeignKey(
        Debate, on_delete=models.CASCADE, related_name="statements", verbose_name=_("debate")
    )
    order = models.PositiveIntegerField(
        _("order"), blank=True, help_text=_("Spoken order; left blank, it goes last.")
    )
    speaker = models.ForeignKey(
        Participant,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="statements",
        verbose_name=_("speaker"),
        help_text=_("Leave empty for an unidentified speaker."),
    )
    position = models.ForeignKey(
        Position,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="statements",
        verbose_name=_("position"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    text = models.TextField(
        _("text"),
        max_length=STATEMENT_MAX_LENGTH,
        validators=[MaxLengthValidator(STATEMENT_MAX_LENGTH)],
        help_text=_("In the site's main language."),
    )
    original_text = models.TextField(
        _("original text"),
        blank=True,
        max_length=STATEMENT_MAX_LENGTH,
        validators=[MaxLengthValidator(STATEMENT_MAX_LENGTH)],
        help_text=_("The words as spoken."),
    )
    original_language = models.CharField(
        _("original language"),
        max_length=20,
        blank=True,
        validators=[language_tag_validator],
        help_text=_("e.g. fa-AF (Dari), ps (Pashto)."),
    )
    key = models.SlugField(
        _("key"),
        max_length=100,
        null=True,
        blank=True,
        unique=True,
        validators=[slug_validator],
        help_text=_("Optional; lets a report feature this statement. Unique across all."),
    )
    withheld = models.BooleanField(
        _("withheld"),
        default=False,
        help_text=_(
            "Withdrawn from the public (the speaker asked, or it could endanger someone): "
            "gone from every public page, feed and search at once; staff keep it."
        ),
    )

    objects = StatementQuerySet.as_manager()
    history = tracked(excluded_fields=["search_document"])

    # The fields a statement is found by (see search.Searchable); ``translations`` is
    # read through to its texts.
    SEARCH_SOURCES = ("text", "original_text", "translations")

    class Meta:
        ordering = ["debate", "order", "id"]
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        indexes = [
            models.Index(fields=["debate", "order"], name="statement_spoken_order_idx"),
            # The few withheld statements, found without reading a million (the admin's
            # filter).
            models.Index(fields=["id"], condition=Q(withheld=True), name="statement_withheld_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="statement_kind_valid"),
        ]

    def __str__(self):
        text = self.text if len(self.text) <= 60 else self.text[:59] + "…"
        return f"{self.key or self.pk}: {text}"

    def save(self, *args, **kwargs):
        if self.order is None:
            last = (
                Statement.objects.filter(debate_id=self.debate_id)
                .aggregate(last=models.Max("order"))
                .get("last")
            )
            self.order = 0 if last is None else last + 1
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        """Its place in its debate's page: the page of the debate that shows it."""
        page = self.debate_page
        query = f"?page={page}" if page > 1 else ""
        return f"{self.debate.get_absolute_url()}{query}#{self.anchor}"

    @cached_property
    def debate_page(self):
        """The page of its debate that shows it; loaded ``with_spoken_rank()`` (as
        ``for_display()`` does) it costs no query."""
        rank = getattr(self, "spoken_rank", None)
        if rank is None:
            rank = (
                Statement.objects.filter(pk=self.pk)
                .with_spoken_rank()
                .values_list("spoken_rank", flat=True)
                .first()
            ) or 0
        return rank // Debate.STATEMENTS_PER_PAGE + 1

    CORRECTED_FIELDS = ("speaker", "position", "kind", "text", "original_text", "original_language")

    # Changes anyone who may change statements may make: withholding one.
    PROTECTIVE = {"withheld": bool}

    @classmethod
    def change_refusal(cls, user, changes, *, debate_status=None, featured=False):
        """Why ``user`` may not make ``changes`` to a statement, or None if they may.

        ``debate_status`` is its debate's stored status, ``featured`` whether a published
        report features it; a new statement's ``changes`` are all its fields, and
        ``DELETE`` asks about deleting it. A published debate's statements are its
        content (``publish_debate``); a featured one is a published report's too
        (``publish_report``). Withholding is open to all who may change statements.
        """
        return publishing_refusal(
            user,
            changes,
            protective=cls.PROTECTIVE,
            published=debate_status == Status.PUBLISHED,
            publish_permission=PUBLISH_DEBATE,
            published_message=_(
                "the debate is published: changing or deleting its statements needs "
                "permission to publish debates (anyone may withhold one)"
            ),
            in_published_report=featured,
            report_message=_(
                "a published report features this statement: changing or deleting it needs "
                "permission to publish reports (anyone may withhold it)"
            ),
        )

    @property
    def anchor(self):
        return f"statement-{self.pk}"

    @cached_property
    def public_speaker(self):
        return attribution.public_speaker(self.speaker, self.debate)

    @property
    def original_dir(self):
        return languages.direction(self.original_language)

    def clean(self):
        errors = {}
        if self.position_id is not None:
            debate = self.debate if self.debate_id or _cached(self, "debate") else None
            topic_id = debate.topic_id if debate else None
            if topic_id is None:
                errors["position"] = _(
                    "The debate has no topic, so its statements cannot take a position."
                )
            elif self.position.topic_id != topic_id:
                errors["position"] = _(
                    "“%(position)s” is a position of another topic; choose one of “%(topic)s”."
                ) % {"position": self.position.label, "topic": debate.topic.title}
        if self.original_text and not self.original_language:
            errors["original_language"] = _("Give the language of the original text.")
        translation_problems = self.translation_problems()
        if translation_problems:
            errors["translations"] = translation_problems
        if errors:
            raise ValidationError(errors)

    def translation_problems(self):
        problems = languages.translation_problems(
            self.translations, self.TRANSLATED, self.TRANSLATION_EXTRA
        )
        for language, values in (self.translations or {}).items():
            if not isinstance(values, dict):
                continue
            if values.get("method", languages.HUMAN) not in languages.TRANSLATION_METHODS:
                problems.append(
                    _("The %(language)s translation's method must be human or machine.")
                    % {"language": language}
                )
            if not isinstance(values.get("reviewed", False), bool):
                problems.append(
                    _("The %(language)s translation's “reviewed” must be true or false.")
                    % {"language": language}
                )
        return problems

    def shown_text(self, language=None):
        """The text a reader in ``language`` (default: the page's) gets: the words as
        spoken, a translation or the English, and where it came from."""
        return languages.statement_text(self, language)


# A debate's page shows its statements and how its speakers are named: changing one
# changes the page, so the debate's updated_at (the sitemap's lastmod) moves too.


@receiver(post_save, sender=Statement)
@receiver(post_delete, sender=Statement)
def _statement_changed(sender, instance, origin=None, **kwargs):
    if isinstance(origin, (Debate, DebateQuerySet)):
        # Deleted with its debate: nothing left to mark.
        return
    Debate.objects.filter(pk=instance.debate_id).touch()


# What the public sees of a participant: a change of anything else leaves pages as they are.
PUBLIC_PARTICIPANT_FIELDS = ("name", "slug", "role", "province", "attribution")


@receiver(post_save, sender=Participant)
def _participant_changed(sender, instance, created, update_fields=None, **kwargs):
    if created:
        return
    if update_fields is not None and not set(update_fields) & {
        *PUBLIC_PARTICIPANT_FIELDS,
        "province_id",
    }:
        return
    Debate.objects.of_participants([instance.pk]).touch()


def _cached(instance, field_name):
    return instance._meta.get_field(field_name).is_cached(instance)
