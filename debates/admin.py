import json

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.admin.widgets import (
    AdminDateWidget,
    AutocompleteSelect,
    RelatedFieldWidgetWrapper,
)
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import Count, Q
from django.template.response import TemplateResponse
from django.utils.functional import cached_property
from django.utils.html import format_html_join
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.text import capfirst, smart_split, unescape_string_literal
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from . import attribution
from .history import actor_for, update_with_history
from .models import (
    DELETE,
    ERASURE_REASON,
    Attribution,
    Consent,
    ConsentHow,
    Debate,
    Participant,
    Position,
    Programme,
    Province,
    Statement,
    Status,
    Topic,
)
from .translation_admin import translated_form, translation_fields, translation_fieldsets


class HistoryAdmin(SimpleHistoryAdmin):
    """The admin of a tracked model: its History page lists every version, by whom.

    Who is the ``actor`` (a user, or the command line and its OS user), as recorded by
    ``debates.history``; a version can be restored from the page.
    """

    object_history_template = "admin/history.html"
    object_history_list_template = "admin/history_list.html"


class CappedPaginator(Paginator):
    """A paginator that never counts a million rows.

    It counts at most ``CAP`` rows (a query that stops there); a list with more shows
    PostgreSQL's estimate of the table's size when unfiltered, else ``CAP``: pages past
    it are out of reach, so a search must be narrowed.
    """

    CAP = 10_000

    @cached_property
    def count(self):
        queryset = self.object_list
        counted = queryset.order_by()[: self.CAP + 1].count()
        if counted <= self.CAP:
            return counted
        return max(self.CAP, _estimated_rows(queryset) or 0)


def _estimated_rows(queryset):
    """The planner's row count of an unfiltered queryset's table (PostgreSQL), or None."""
    connection = connections[queryset.db]
    if queryset.query.where or connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
            [queryset.model._meta.db_table],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def search_words(search_term):
    """The words of an admin search, as Django's own search splits them ("a phrase")."""
    words = []
    for bit in smart_split(search_term):
        if bit.startswith(('"', "'")) and bit[0] == bit[-1]:
            bit = unescape_string_literal(bit)
        if bit:
            words.append(bit)
    return words


class AnonymiseForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("Recorded in the history of every participant this changes."),
    )


class MakeAnonymousAction:
    """The emergency action: make every participant of the chosen objects anonymous.

    Each admin using it names what "its participants" are (``participants_of``).
    Raising protection needs only permission to change participants.
    """

    def participants_of(self, queryset):
        raise NotImplementedError

    def has_anonymise_permission(self, request):
        return request.user.has_perm("debates.change_participant")

    @admin.action(
        description=_("Make every participant anonymous (emergency)"),
        permissions=["anonymise"],
    )
    def make_participants_anonymous(self, request, queryset):
        participants = self.participants_of(queryset)
        form = AnonymiseForm(request.POST if "confirm" in request.POST else None)
        if form.is_valid():
            changed = participants.make_anonymous(
                user=request.user, reason=form.cleaned_data["reason"]
            )
            self.message_user(
                request,
                ngettext(
                    "%(count)d participant is now anonymous.",
                    "%(count)d participants are now anonymous.",
                    changed,
                )
                % {"count": changed},
                messages.SUCCESS,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Make every participant anonymous"),
            "opts": self.opts,
            "form": form,
            "chosen": queryset,
            "to_change": participants.exclude(attribution=Attribution.ANONYMOUS).count(),
            "total": participants.count(),
            "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
            "select_across": request.POST.get("select_across", "0"),
            "action_name": "make_participants_anonymous",
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/debates/make_anonymous.html", context)


@admin.register(Programme)
class ProgrammeAdmin(MakeAnonymousAction, HistoryAdmin):
    form = translated_form(Programme)
    fieldsets = [
        (None, {"fields": ["name", "slug", "description", "started_on", "ended_on"]}),
        *translation_fieldsets(Programme),
    ]
    list_display = ["name", "slug", "started_on", "ended_on", "debate_count"]
    search_fields = ["name", "slug"]
    # Named, not left to Meta.ordering, which Django drops from a counted (grouped)
    # queryset: the debate form's autocomplete pages through this one.
    ordering = ["name", "id"]
    prepopulated_fields = {"slug": ["name"]}
    actions = ["make_participants_anonymous"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(debate_count=Count("debates"))

    def participants_of(self, queryset):
        return Participant.objects.of_programmes(queryset.values("pk"))

    @admin.display(description=_("debates"), ordering="debate_count")
    def debate_count(self, obj):
        return obj.debate_count


@admin.register(Province)
class ProvinceAdmin(MakeAnonymousAction, admin.ModelAdmin):
    list_display = ["name", "code", "name_fa", "name_ps"]
    search_fields = ["name", "code", "name_fa", "name_ps"]
    prepopulated_fields = {"slug": ["name"]}
    actions = ["make_participants_anonymous"]

    def participants_of(self, queryset):
        return Participant.objects.of_provinces(queryset.values("pk"))


class PositionInline(admin.TabularInline):
    model = Position
    form = translated_form(Position)
    extra = 2
    fields = ["order", "label", "slug", "stance", *translation_fields(Position)]
    prepopulated_fields = {"slug": ["label"]}


class TopicRuleForm(forms.ModelForm):
    """A topic's or a position's form, refused as ``Topic.change_refusal`` says.

    The admin shows a public topic read-only to those who may not change it; this
    also guards restoring a version from the history, which saves the form as it is.
    """

    # The signed-in user, set per request by TopicRule.get_form.
    user = None

    def clean(self):
        cleaned = super().clean()
        topic = self.instance if isinstance(self.instance, Topic) else self.instance.topic
        # Every field, not only those changed from the form's initial values: restoring
        # a version starts from that version's values, not from what is stored.
        refusal = Topic.change_refusal(self.user, dict(cleaned), public=topic.is_public)
        if refusal:
            raise ValidationError(sentence(refusal))
        return cleaned


class TopicRule:
    """A topic, and its positions, are changed as ``Topic.change_refusal`` allows:
    a public one (a published debate is on it) is read-only to those who may not, so
    its form (inline positions included) cannot be saved by them, whenever it became
    public."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.user = request.user
        return form

    def topic_refusal(self, request, topic, changes):
        if topic is None:
            return None
        return Topic.change_refusal(request.user, changes, public=topic.is_public)

    def has_change_permission(self, request, obj=None):
        if self.topic_refusal(request, self.topic_of(obj), {"title": True}):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if self.topic_refusal(request, self.topic_of(obj), DELETE):
            return False
        return super().has_delete_permission(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Say why the page is read-only, and whom to ask.
        obj = self.get_object(request, unquote(object_id))
        refusal = self.topic_refusal(request, self.topic_of(obj), {"title": True})
        if request.method == "GET" and refusal:
            self.message_user(request, sentence(refusal), messages.INFO)
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(Topic)
class TopicAdmin(TopicRule, HistoryAdmin):
    form = translated_form(Topic, TopicRuleForm)
    fieldsets = [
        (None, {"fields": ["title", "slug", "question", "description"]}),
        *translation_fieldsets(Topic),
    ]
    list_display = ["title", "question", "position_count", "debate_count"]
    search_fields = ["title", "slug", "question"]
    # As ProgrammeAdmin's: the debate form's autocomplete pages through this queryset.
    ordering = ["title", "id"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [PositionInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                position_count=Count("positions", distinct=True),
                debate_count=Count("debates", distinct=True),
            )
        )

    def topic_of(self, obj):
        return obj

    @admin.display(description=_("positions"), ordering="position_count")
    def position_count(self, obj):
        return obj.position_count

    @admin.display(description=_("debates"), ordering="debate_count")
    def debate_count(self, obj):
        return obj.debate_count


class ParticipantLabels:
    """Participants offered or shown in a form are labelled by ``staff_label()``.

    ``Participant.__str__`` never shows a withheld name; staff who may see it get it here.
    """

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and db_field.remote_field.model is Participant:
            user = request.user
            field.label_from_instance = lambda participant: attribution.staff_label(
                participant, user
            )
        return field


class ParticipantFormBase(forms.ModelForm):
    """The participant form, with what lowering protection asks for: reason, consent.

    The rule itself is ``Participant.check_attribution_change``; the attribution it
    compares with is the one stored, so reverting to an earlier version from the
    history (which uses this form) is checked as any other change.
    """

    reveal_reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text=_(
            "Required when the public will see more of this person (anonymous to role, "
            "role to named). Recorded in the history."
        ),
    )
    confirm_reveal = forms.BooleanField(
        label=_("I confirm that the public may see more of this person"),
        required=False,
    )
    consent_given_on = forms.DateField(
        label=_("Consent given on"), required=False, widget=AdminDateWidget()
    )
    consent_how = forms.ChoiceField(
        label=_("Consent given"),
        required=False,
        choices=[("", "---------"), *ConsentHow.choices],
    )
    consent_note = forms.CharField(
        label=_("Consent note"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text=_("Staff only, never public: who asked, what the speaker agreed to."),
    )

    # Set by ParticipantAdmin.get_form: who is making the change.
    user = None
    # Which field an error of the attribution rule belongs to.
    ERROR_FIELDS = {
        "reveal_permission": "attribution",
        "reveal_reason": "reveal_reason",
        "reveal_consent": "consent_given_on",
    }

    class Meta:
        model = Participant
        fields = ["name", "slug", "attribution", "role", "organisation", "province", "gender"]

    def stored_attribution(self):
        """The attribution in the database now; None for a new participant."""
        if self.instance.pk is None:
            return None
        return (
            Participant.objects.filter(pk=self.instance.pk)
            .values_list("attribution", flat=True)
            .first()
        )

    def clean(self):
        cleaned = super().clean()
        self.consent = self._consent(cleaned)
        new = cleaned.get("attribution")
        if new is None:
            return cleaned
        old = self.stored_attribution()
        try:
            Participant.check_attribution_change(
                old,
                new,
                may_reveal=Participant.may_reveal(self.user),
                reason=cleaned.get("reveal_reason", ""),
                consent=self.consent is not None,
            )
        except ValidationError as error:
            for problem in error.error_list:
                self.add_error(self.ERROR_FIELDS.get(problem.code), problem)
            return cleaned
        if Participant.lowers_protection(old, new) and not cleaned.get("confirm_reveal"):
            self.add_error(
                "confirm_reveal",
                _("Tick to confirm: the public will see more of this person than before."),
            )
        return cleaned

    def _consent(self, cleaned):
        """The consent given on the form (not yet saved), or None."""
        given_on = cleaned.get("consent_given_on")
        how = cleaned.get("consent_how")
        note = cleaned.get("consent_note", "")
        if not (given_on or how or note):
            return None
        if not given_on:
            self.add_error("consent_given_on", _("Give the day the speaker agreed."))
        if not how:
            self.add_error("consent_how", _("Say how the speaker agreed."))
        if not (given_on and how):
            return None
        return Consent(given_on=given_on, how=how, note=note)


ParticipantForm = translated_form(Participant, ParticipantFormBase)


@admin.register(Participant)
class ParticipantAdmin(MakeAnonymousAction, HistoryAdmin):
    form = ParticipantForm
    actions = ["make_participants_anonymous", "erase_names"]
    # Name, organisation and slug come from get_list_display(), per user.
    list_display = ["attribution", "role", "province"]
    list_filter = ["attribution", "province", "gender"]
    search_fields = ["name", "slug", "role", "organisation"]
    list_select_related = ["province"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["province"]
    radio_fields = {"attribution": admin.VERTICAL}
    # What staff without view_withheld_names see of a withheld participant instead of
    # the name, organisation and slug (a slug is usually made from the name).
    hidden_fields = {"name", "organisation", "slug"}
    readonly_fields = ["label_check", "consents_given"]

    def participants_of(self, queryset):
        return Participant.objects.filter(pk__in=queryset.values("pk"))

    def get_fieldsets(self, request, obj=None):
        main = ["name", "slug", "attribution", "role", "organisation", "province", "gender"]
        consents = ["consents_given"] if obj is not None else []
        if attribution.hides_name_from(obj, request.user):
            main = ["shown_as", *(name for name in main if name not in self.hidden_fields)]
            # A consent's note may well name the person.
            consents = []
        if obj is not None and obj.attribution == Attribution.ROLE:
            main.insert(3, "label_check")
        return [
            (None, {"fields": main}),
            *translation_fieldsets(Participant, exclude=self.hidden_translations(request, obj)),
            (
                _("Revealing more of this person"),
                {
                    "fields": ["reveal_reason", "confirm_reveal"],
                    "description": _(
                        "Lowering protection (anonymous to role, role to named) needs "
                        "permission to reveal participants, a reason and your "
                        "confirmation. Raising it (to anonymous) is always allowed; a "
                        "reason is still recorded if you give one."
                    ),
                },
            ),
            (
                _("Consent to be named (staff only)"),
                {
                    "fields": [
                        *consents,
                        "consent_given_on",
                        "consent_how",
                        "consent_note",
                    ],
                    "description": _(
                        "Needed to make a role or anonymous participant named; may be "
                        "recorded for a named participant too (an official speaking on "
                        "the record)."
                    ),
                },
            ),
        ]

    def hidden_translations(self, request, obj):
        # A translated name is the name: hidden, and kept as it is, like the name.
        return {"name"} if attribution.hides_name_from(obj, request.user) else set()

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.user = request.user
        form.kept_keys = frozenset(self.hidden_translations(request, obj))
        return form

    def save_model(self, request, obj, form, change):
        reason = form.cleaned_data.get("reveal_reason")
        if reason:
            obj._change_reason = reason
        super().save_model(request, obj, form, change)
        consent = getattr(form, "consent", None)
        if consent is not None:
            consent.participant = obj
            consent.recorded_by = actor_for(request.user)
            consent.save()

    @admin.display(description=_("public label"))
    def label_check(self, obj):
        labels = sorted(obj.public_labels(published_only=False))
        if not labels:
            return _("Not in any debate yet.")
        sharing = Participant.objects.published().sharing_label_with(obj)
        others = sum(1 for other in sharing if other.pk != obj.pk)
        text = ngettext(
            "“%(label)s”: %(count)d published participant has this label.",
            "“%(label)s”: %(count)d published participants have this label.",
            len(sharing),
        ) % {"label": " / ".join(labels), "count": len(sharing)}
        if others == 0:
            text += " " + str(
                _(
                    "Warning: no other published participant shares it, so the label may "
                    "identify the person. Consider anonymous, or a broader role."
                )
            )
        return text

    @admin.display(description=_("consents recorded"))
    def consents_given(self, obj):
        # A record, not edited: a new consent is entered with the fields below.
        consents = obj.consents.latest_first()
        if not consents:
            return _("None.")
        return format_html_join(
            mark_safe("<br>"),
            "{} ({}) {}",
            (
                (
                    consent,
                    _("recorded by %(who)s") % {"who": consent.recorded_by},
                    consent.note,
                )
                for consent in consents
            ),
        )

    def view_on_site(self, obj):
        return obj.get_absolute_url()

    def get_queryset(self, request):
        # Labels of role participants name their province.
        return super().get_queryset(request).select_related("province")

    @admin.display(description=_("shown as"))
    def shown_as(self, obj):
        return attribution.staff_label(obj, None)

    def get_list_display(self, request):
        # Columns made for this request's user: the admin is shared by every request.
        user = request.user
        # Sorting by a name the user may not see would hint at it.
        by_name = "name" if attribution.may_see_withheld_names(user) else None

        @admin.display(description=_("name"), ordering=by_name)
        def name(obj):
            return attribution.staff_label(obj, user)

        @admin.display(description=_("organisation"), ordering="organisation")
        def organisation(obj):
            return "" if attribution.hides_name_from(obj, user) else obj.organisation

        @admin.display(description=_("slug"), ordering="slug")
        def slug(obj):
            return "" if attribution.hides_name_from(obj, user) else obj.slug

        return [name, "attribution", "role", organisation, "province", slug]

    def get_ordering(self, request):
        if attribution.may_see_withheld_names(request.user):
            return super().get_ordering(request)
        return ["attribution", "id"]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if attribution.hides_name_from(obj, request.user):
            readonly.append("shown_as")
        return readonly

    def get_prepopulated_fields(self, request, obj=None):
        if attribution.hides_name_from(obj, request.user):
            return {}
        return super().get_prepopulated_fields(request, obj)

    def get_search_results(self, request, queryset, search_term):
        if attribution.may_see_withheld_names(request.user):
            return super().get_search_results(request, queryset, search_term)
        # Names, organisations and slugs are searched among named participants only,
        # or a search would tell who is among the withheld.
        named, may_have_duplicates = super().get_search_results(
            request, queryset.filter(attribution=Attribution.NAMED), search_term
        )
        withheld = queryset.exclude(attribution=Attribution.NAMED)
        for word in search_term.split():
            withheld = withheld.filter(role__icontains=word)
        return named | withheld, may_have_duplicates

    def history_view(self, request, object_id, extra_context=None):
        # History holds the name and organisation, old values included.
        participant = self.get_object(request, object_id)
        if attribution.hides_name_from(participant, request.user):
            raise PermissionDenied
        return super().history_view(request, object_id, extra_context)

    def has_erase_permission(self, request):
        return request.user.has_perm("debates.erase_participant_name")

    @admin.action(
        description=_("Erase the names of selected withheld participants, for good"),
        permissions=["erase"],
    )
    def erase_names(self, request, queryset):
        participants = list(queryset.select_related("province"))
        problems = {p.pk: p.erasure_problem(request.user) for p in participants}
        erasable = [p for p in participants if problems[p.pk] is None]
        if request.POST.get("confirm") != "yes":
            return TemplateResponse(
                request,
                "admin/debates/participant/erase_names.html",
                {
                    **self.admin_site.each_context(request),
                    "opts": self.opts,
                    "title": _("Erase names for good?"),
                    "erasable": [attribution.staff_label(p, request.user) for p in erasable],
                    "refused": [
                        (attribution.staff_label(p, request.user), problems[p.pk])
                        for p in participants
                        if problems[p.pk] is not None
                    ],
                    "selected": [p.pk for p in participants],
                    "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                },
            )
        for participant in participants:
            if problems[participant.pk] is not None:
                self.message_user(request, problems[participant.pk], messages.ERROR)
        for participant in erasable:
            participant.erase_name()
            self.log_change(request, participant, ERASURE_REASON)
        if erasable:
            self.message_user(
                request,
                ngettext(
                    "%(count)d participant's name and organisation are erased, with their history.",
                    "%(count)d participants' names and organisations are erased, with their "
                    "history.",
                    len(erasable),
                )
                % {"count": len(erasable)},
                messages.SUCCESS,
            )

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        participant = self.get_object(request, object_id)
        if attribution.hides_name_from(participant, request.user):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class StaffLabelAutocompleteJsonView(AutocompleteJsonView):
    """Autocomplete whose participant results are labelled by ``staff_label()``."""

    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        if isinstance(obj, Participant):
            result["text"] = attribution.staff_label(obj, self.request.user)
        return result


def autocomplete_view(request):
    return StaffLabelAutocompleteJsonView.as_view(admin_site=admin.site)(request)


# The site's one autocomplete URL serves every model; Django offers no hook per model.
admin.site.autocomplete_view = autocomplete_view


def set_deltas(model, records):
    """Give each historical record of ``records`` the changes from its object's version before.

    For the history of many objects at once (a debate's statements): the earlier version
    of each is found with one query, whatever the number of records.
    """
    records = list(records)
    if not records:
        return
    history = model.history
    earlier = history.filter(
        id__in={record.id for record in records},
        history_date__lte=max(record.history_date for record in records),
    ).order_by("history_date", "history_id")
    previous, versions = {}, {}
    for version in earlier:
        versions[version.history_id] = previous.get(version.id)
        previous[version.id] = version
    for record in records:
        before = versions.get(record.history_id)
        record.history_delta_changes = []
        if before is not None and record.history_type == "~":
            delta = record.diff_against(before, foreign_keys_are_objs=True)
            helper = HistoricalRecordContextHelper(model, record)
            record.history_delta_changes = helper.context_for_delta_changes(delta)


class PreloadedAutocompleteSelect(AutocompleteSelect):
    """Autocomplete that renders its selected option from labels loaded once per page.

    The stock widget runs one query per row to label the selected value; a debate page
    with a hundred statements would run a hundred.
    """

    labels = None

    def optgroups(self, name, value, attr=None):
        selected = [str(v) for v in value if str(v) not in self.choices.field.empty_values]
        if self.labels is None or not set(selected) <= self.labels.keys():
            return super().optgroups(name, value, attr)
        options = [] if self.is_required else [self.create_option(name, "", "", False, 0)]
        options += [
            self.create_option(name, pk, self.labels[pk], True, index)
            for index, pk in enumerate(selected, start=len(options))
        ]
        return [(None, options, 0)]


class StatementInlineForm(forms.ModelForm):
    class Meta:
        model = Statement
        fields = [
            "order",
            "speaker",
            "position",
            "kind",
            "text",
            "original_text",
            "original_language",
            "key",
            "withheld",
            "correction_note",
        ]
        help_texts = {"position": _("One of the positions of the debate's topic, above.")}
        widgets = {
            # The admin's own narrow number box: a style attribute would break the CSP.
            "order": forms.NumberInput(attrs={"class": "vIntegerField"}),
            # English text in the Dari admin (right to left) reads left to right.
            "text": forms.Textarea(attrs={"rows": 3, "cols": 40, "dir": "auto"}),
            "original_text": forms.Textarea(attrs={"rows": 3, "cols": 30, "dir": "auto"}),
            "original_language": forms.TextInput(attrs={"size": 6}),
            "key": forms.TextInput(attrs={"size": 16}),
            "correction_note": forms.TextInput(attrs={"size": 16}),
        }


def sentence(refusal):
    """A refusal from the models' publishing rule as a message in the admin."""
    return f"{capfirst(str(refusal))}."


def changes_of(form):
    """{field: new value} of what a bound, valid form changes."""
    return {name: form.cleaned_data.get(name) for name in form.changed_data}


class StatementFormSet(forms.BaseInlineFormSet):
    # The signed-in user, set per request by StatementInline.get_formset.
    user = None
    # The debate's stored status, read by clean().
    debate_status = None

    def save(self, commit=True):
        # A published statement changed by someone allowed is a correction the public sees.
        for form in self.forms:
            if form.instance.pk and form.has_changed() and not self._should_delete_form(form):
                form.instance.note_correction(
                    form.changed_data, self.debate_status == Status.PUBLISHED
                )
        return super().save(commit)

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        debate = self.instance
        status, featured = None, set()
        if debate.pk is not None:
            # The stored status: the debate form has already applied its new one.
            status = Debate.objects.filter(pk=debate.pk).values_list("status", flat=True).first()
            featured = set(
                Statement.objects.filter(debate=debate)
                .featured_in_published_reports()
                .values_list("pk", flat=True)
            )
        self.debate_status = status
        refusals = []
        for form in self.forms:
            statement = form.instance
            if self.can_delete and self._should_delete_form(form):
                if statement.pk is None:
                    continue
                changes = DELETE
            elif form.has_changed():
                changes = changes_of(form)
            else:
                continue
            refusal = Statement.change_refusal(
                self.user, changes, debate_status=status, featured=statement.pk in featured
            )
            if refusal and refusal not in refusals:
                refusals.append(refusal)
        if refusals:
            raise ValidationError([sentence(refusal) for refusal in refusals])


class StatementInline(ParticipantLabels, admin.StackedInline):
    """A debate's statements, edited a page of ``PAGE_SIZE`` at a time.

    A debate of hundreds of statements would otherwise be a page of megabytes that takes
    seconds to build. The page (``?statements-page=``) is in the form's address, so saving
    binds exactly the statements shown: those of other pages are neither changed,
    reordered nor deleted, and a statement added goes last.

    Each statement is a block that fits the screen (its own template and
    css/statement-entry.css): order, speaker, kind and position on a line, the text on
    its own, the rarer fields folded away while empty. js/statement-entry.js narrows the
    position lists to the topic picked and moves to a new row's first field.
    """

    model = Statement
    form = StatementInlineForm
    formset = StatementFormSet
    template = "admin/debates/debate/statement_inline.html"
    extra = 1
    autocomplete_fields = ["speaker"]
    ordering = ["order", "id"]
    fieldsets = [
        (None, {"fields": [("order", "speaker", "kind", "position"), "text"]}),
        (
            _("Original words, as spoken"),
            {"fields": [("original_text", "original_language")], "classes": ["collapse"]},
        ),
        (
            _("Key, withholding, correction"),
            {"fields": [("key", "withheld", "correction_note")], "classes": ["collapse"]},
        ),
    ]
    PAGE_SIZE = 50
    PAGE_PARAM = "statements-page"

    class Media:
        css = {"all": ["css/statement-entry.css"]}
        js = ["js/statement-entry.js"]

    def statement_page(self, request):
        """The page of the debate's statements shown, or None on the add page."""
        debate_id = request.resolver_match.kwargs.get("object_id")
        if debate_id is None:
            return None
        pages = getattr(request, "_statement_pages", None)
        if pages is None:
            pages = request._statement_pages = {}
        if debate_id not in pages:
            statements = Statement.objects.filter(debate_id=unquote(debate_id))
            paginator = Paginator(statements.order_by("order", "id").values("pk"), self.PAGE_SIZE)
            pages[debate_id] = paginator.get_page(request.GET.get(self.PAGE_PARAM))
        return pages[debate_id]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        page = self.statement_page(request)
        if page is None:
            return queryset
        # The page's ids as a subquery (ORDER BY ... LIMIT): no query of its own.
        return queryset.filter(pk__in=page.object_list)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "speaker":
            kwargs["widget"] = PreloadedAutocompleteSelect(db_field, self.admin_site)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        # Each link beside a list in a row is one more stop for the Tab key, in every row:
        # a speaker can be added mid-entry, but nothing is edited or deleted from here,
        # and positions belong to their topic's page.
        if db_field.name in ("speaker", "position") and isinstance(
            getattr(field, "widget", None), RelatedFieldWidgetWrapper
        ):
            field.widget.can_add_related &= db_field.name == "speaker"
            field.widget.can_change_related = False
            field.widget.can_delete_related = False
            field.widget.can_view_related = False
        return field

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.user = request.user
        formset.statement_page = self.statement_page(request) if obj is not None else None
        formset.page_param = self.PAGE_PARAM
        position = formset.form.base_fields["position"]
        position.queryset = position.queryset.select_related("topic")
        # Every topic's positions, loaded once for all rows: the page's script offers
        # those of the topic picked (before any save) from this map.
        # Iterated, not list()ed: the length list() asks for first is a COUNT query.
        choices = list(iter(position.choices))
        blank = [choice for choice in choices if choice[0] == ""]
        positions = [choice for choice in choices if choice[0] != ""]
        formset.topic_positions = topic_positions(positions)
        # Without the script, offer only the debate's own positions, named without
        # their topic; on save, validation names a wrong one.
        if request.method == "GET" and obj is not None and obj.topic_id:
            positions = [
                (value, value.instance.label)
                for value, _label in positions
                if value.instance.topic_id == obj.topic_id
            ]
        position.choices = [*blank, *positions]
        # The speakers' labels, too, once and not once per statement row.
        if obj is not None:
            # Only those of the page shown.
            speakers = Participant.objects.filter(
                pk__in=self.get_queryset(request).values("speaker_id")
            ).select_related("province")
            formset.form.base_fields["speaker"].widget.widget.labels = {
                str(speaker.pk): attribution.staff_label(speaker, request.user)
                for speaker in speakers
            }
        return formset


def topic_positions(choices):
    """{topic id: [[position id, label], ...]} of a position field's loaded choices, as JSON."""
    by_topic = {}
    for value, _label in choices:
        by_topic.setdefault(value.instance.topic_id, []).append(
            [value.instance.pk, value.instance.label]
        )
    return json.dumps(by_topic, ensure_ascii=False)


class DebateFormBase(forms.ModelForm):
    # The signed-in user, set per request by DebateAdmin.get_form.
    user = None

    def clean(self):
        cleaned = super().clean()
        debate = self.instance  # as stored: the form's values are applied after clean()
        stored = debate.pk is not None
        refusal = Debate.change_refusal(
            self.user,
            changes_of(self),
            status=debate.status if stored else None,
            in_published_report=stored
            and Debate.objects.filter(pk=debate.pk).in_published_reports().exists(),
        )
        if refusal:
            raise ValidationError(sentence(refusal))
        return cleaned


DebateForm = translated_form(Debate, DebateFormBase)


@admin.register(Debate)
class DebateAdmin(ParticipantLabels, MakeAnonymousAction, HistoryAdmin):
    form = DebateForm
    # What staff look for first (is it published, when, where, how far entered), before
    # the long title, topic and programme, so it shows without scrolling sideways.
    list_display = [
        "status",
        "held_on",
        "province",
        "statement_count",
        "title",
        "topic_title",
        "programme_name",
    ]
    list_display_links = ["title"]
    list_filter = [
        "status",
        ("province", admin.RelatedOnlyFieldListFilter),
        ("topic", admin.RelatedOnlyFieldListFilter),
        ("programme", admin.RelatedOnlyFieldListFilter),
    ]
    date_hierarchy = "held_on"
    search_fields = ["title", "slug", "district", "venue", "summary"]
    list_select_related = ["province", "topic", "programme"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["programme", "topic", "province", "moderator"]
    readonly_fields = ["created_at", "updated_at"]
    actions = ["send_for_review", "publish", "unpublish", "make_participants_anonymous"]
    inlines = [StatementInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "status", "programme", "topic"]}),
        (
            _("When and where"),
            {"fields": ["held_on", "held_on_precision", "province", "district", "venue"]},
        ),
        (
            _("Who came"),
            {"fields": ["moderator", "attendance_total", "attendance_women", "summary"]},
        ),
        *translation_fieldsets(Debate),
        (_("History"), {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        # Staff count every statement, withheld ones too. A debate is labelled with its
        # province (autocomplete). Selecting related rows here makes the list skip
        # list_select_related, so it names them all.
        return (
            super()
            .get_queryset(request)
            .with_statement_count(Statement.objects.all())
            .select_related(*self.list_select_related)
        )

    def response_change(self, request, obj):
        # "Save and continue editing" stays on the page of statements being edited.
        response = super().response_change(request, obj)
        page = request.GET.get(StatementInline.PAGE_PARAM)
        if "_continue" in request.POST and page and response.status_code == 302:
            separator = "&" if "?" in response["Location"] else "?"
            response["Location"] += separator + urlencode({StatementInline.PAGE_PARAM: page})
        return response

    def participants_of(self, queryset):
        return Participant.objects.of_debates(queryset.values("pk"))

    def history_view(self, request, object_id, extra_context=None):
        # A debate's history includes its statements': added, changed, removed.
        statements = Statement.history.filter(debate_id=object_id).order_by(
            "-history_date", "-history_id"
        )
        page = Paginator(statements.select_related("history_user"), 100).get_page(
            request.GET.get("statements-page")
        )
        set_deltas(Statement, page.object_list)
        return super().history_view(
            request, object_id, {**(extra_context or {}), "statement_history": page}
        )

    @admin.display(description=_("statements"), ordering="statement_count")
    def statement_count(self, obj):
        return obj.statement_count

    # Not the foreign keys themselves: the admin keeps those on one line (class "nowrap"),
    # and a long topic or programme name would push the table past the screen.
    @admin.display(description=_("topic"), ordering="topic__title")
    def topic_title(self, obj):
        return obj.topic.title if obj.topic_id else None

    @admin.display(description=_("programme"), ordering="programme__name")
    def programme_name(self, obj):
        return obj.programme.name if obj.programme_id else None

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.user = request.user
        if "status" in form.base_fields:
            form.base_fields["status"].choices = Status.choices_for(
                Debate.may_publish(request.user), obj.status if obj else None
            )
        return form

    def has_publish_permission(self, request):
        return Debate.may_publish(request.user)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and Debate.change_refusal(
            request.user,
            DELETE,
            status=obj.status,
            in_published_report=Debate.objects.filter(pk=obj.pk).in_published_reports().exists(),
        ):
            return False
        return super().has_delete_permission(request, obj)

    def delete_view(self, request, object_id, extra_context=None):
        # A report keeps its other debates: say which published reports lose this one.
        debate = self.get_object(request, unquote(object_id))
        if request.method == "GET" and debate is not None:
            headlines = debate.reports.filter(status=Status.PUBLISHED).values_list(
                "headline", flat=True
            )
            if headlines:
                self.message_user(
                    request,
                    _(
                        "Published reports are based on this debate: %(reports)s. Deleting it "
                        "takes it off their list of debates."
                    )
                    % {"reports": ", ".join(f"“{headline}”" for headline in headlines)},
                    messages.WARNING,
                )
        return super().delete_view(request, object_id, extra_context)

    @admin.action(description=_("Send selected drafts for review"), permissions=["change"])
    def send_for_review(self, request, queryset):
        self._set_status(request, queryset.filter(status=Status.DRAFT), Status.REVIEW)

    @admin.action(description=_("Publish selected debates"), permissions=["publish"])
    def publish(self, request, queryset):
        self._set_status(request, queryset, Status.PUBLISHED)

    @admin.action(
        description=_("Unpublish selected debates (back to draft)"), permissions=["change"]
    )
    def unpublish(self, request, queryset):
        self._set_status(request, queryset, Status.DRAFT)

    def _set_status(self, request, queryset, status):
        debates = list(queryset.exclude(status=status))
        in_reports = set(
            Debate.objects.filter(pk__in=[debate.pk for debate in debates])
            .in_published_reports()
            .values_list("pk", flat=True)
        )
        allowed = []
        for debate in debates:
            refusal = Debate.change_refusal(
                request.user,
                {"status": status},
                status=debate.status,
                in_published_report=debate.pk in in_reports,
            )
            if refusal:
                self.message_user(request, f"“{debate.title}”: {sentence(refusal)}", messages.ERROR)
            else:
                allowed.append(debate.pk)
        updated = update_with_history(
            Debate.objects.filter(pk__in=allowed), request.user, status=status
        )
        label = Status(status).label.lower()
        self.message_user(
            request,
            ngettext(
                "%(count)d debate is now %(status)s.",
                "%(count)d debates are now %(status)s.",
                updated,
            )
            % {"count": updated, "status": label},
            messages.SUCCESS,
        )


@admin.register(Position)
class PositionAdmin(TopicRule, HistoryAdmin):
    """Listed for search and autocomplete; positions are edited inline on their topic.

    Added there too, and never moved to another topic: the rule is the topic's.
    """

    form = TopicRuleForm
    list_display = ["label", "topic", "stance", "slug"]
    list_filter = ["stance", ("topic", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["label", "slug", "topic__title"]
    list_select_related = ["topic"]

    def get_queryset(self, request):
        # A position is labelled with its topic's title, in autocomplete too.
        return super().get_queryset(request).select_related("topic")

    def topic_of(self, obj):
        return obj.topic if obj is not None else None

    def has_add_permission(self, request):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "topic"]


class StatementFormBase(forms.ModelForm):
    # The signed-in user, set per request by StatementAdmin.get_form.
    user = None

    def clean(self):
        cleaned = super().clean()
        statement = self.instance  # as stored: the form's values are applied after clean()
        if statement.pk is None:
            debate = cleaned.get("debate")
            status, featured = (debate.status if debate else None), False
        else:
            status = statement.debate.status
            featured = statement.featured_in.filter(report__status=Status.PUBLISHED).exists()
        refusal = Statement.change_refusal(
            self.user, changes_of(self), debate_status=status, featured=featured
        )
        if refusal:
            raise ValidationError(sentence(refusal))
        return cleaned


StatementForm = translated_form(Statement, StatementFormBase)


@admin.register(Statement)
class StatementAdmin(ParticipantLabels, HistoryAdmin):
    """Statements are entered on their debate's page; this list is for finding them."""

    form = StatementForm

    list_display = ["short_text", "debate", "speaker", "position", "kind", "key", "withheld"]
    # Every province, not only those of statements: that would read every statement.
    list_filter = ["kind", "withheld", "debate__status", "debate__province"]
    # See get_search_results: words are looked for in the text (trigram indexes on
    # PostgreSQL), the key, the speaker's name and the debate's title.
    search_fields = ["text", "original_text", "key", "speaker__name", "debate__title"]
    list_select_related = ["debate__province", "speaker__province", "position__topic"]
    # Newest first, by the primary key: a million statements are never sorted, and no
    # column sorts by another table's (the debate's date, the speaker's name).
    ordering = ["-id"]
    sortable_by = []
    paginator = CappedPaginator
    show_full_result_count = False
    autocomplete_fields = ["debate", "speaker"]
    fieldsets = [
        (
            None,
            {
                # The inline's fields, with the debate and when it was corrected.
                "fields": ["debate", *StatementInlineForm.Meta.fields, "corrected_on"]
            },
        ),
        *translation_fieldsets(Statement),
    ]

    def get_readonly_fields(self, request, obj=None):
        # A statement stays in its debate: moving it would change two debates at once.
        readonly = [*super().get_readonly_fields(request, obj), "corrected_on"]
        return [*readonly, "debate"] if obj is not None else readonly

    def save_model(self, request, obj, form, change):
        if change:
            obj.note_correction(form.changed_data, obj.debate.status == Status.PUBLISHED)
        super().save_model(request, obj, form, change)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.user = request.user
        return form

    def has_delete_permission(self, request, obj=None):
        if obj is not None and Statement.change_refusal(
            request.user,
            DELETE,
            debate_status=obj.debate.status,
            featured=obj.featured_in.filter(report__status=Status.PUBLISHED).exists(),
        ):
            return False
        return super().has_delete_permission(request, obj)

    def get_list_display(self, request):
        # The speaker column is made for this request's user (see ParticipantAdmin).
        user = request.user

        @admin.display(description=_("speaker"))
        def speaker(obj):
            return attribution.staff_label(obj.speaker, user)

        return [
            speaker if name == "speaker" else name for name in super().get_list_display(request)
        ]

    def get_search_fields(self, request):
        fields = super().get_search_fields(request)
        if attribution.may_see_withheld_names(request.user):
            return fields
        # Searching by speaker name would tell which statements a withheld person made.
        return [name for name in fields if name != "speaker__name"]

    def get_search_results(self, request, queryset, search_term):
        """Statements with every word in a field of ``get_search_fields()``.

        Django's search would OR conditions on joined tables (speaker, debate), which no
        index serves: the matching speakers and debates are found first, by id, so each
        word is a condition on the statement's own columns and indexes.
        """
        fields = self.get_search_fields(request)
        own = [name for name in fields if "__" not in name]
        for word in search_words(search_term):
            matches = Q()
            for name in own:
                matches |= Q(**{f"{name}__icontains": word})
            if "speaker__name" in fields:
                speakers = Participant.objects.filter(name__icontains=word).values_list(
                    "pk", flat=True
                )
                matches |= Q(speaker_id__in=list(speakers))
            if "debate__title" in fields:
                debates = Debate.objects.filter(title__icontains=word).values_list("pk", flat=True)
                matches |= Q(debate_id__in=list(debates))
            queryset = queryset.filter(matches)
        # A report's featured-quote autocomplete offers only its debates' statements.
        report_id = request.GET.get("report", "")
        if request.GET.get("model_name") == "featuredquote":
            queryset = queryset.filter(debate__reports__pk=report_id if report_id.isdigit() else 0)
        return queryset, False

    @admin.display(description=_("text"))
    def short_text(self, obj):
        return obj.text if len(obj.text) <= 80 else obj.text[:79] + "…"
