from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import attribution
from .models import (
    Attribution,
    Debate,
    Participant,
    Position,
    Programme,
    Province,
    Statement,
    Status,
    Topic,
)


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "started_on", "ended_on", "debate_count"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(debate_count=Count("debates"))

    @admin.display(description=_("debates"), ordering="debate_count")
    def debate_count(self, obj):
        return obj.debate_count


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "name_fa", "name_ps"]
    search_fields = ["name", "code", "name_fa", "name_ps"]
    prepopulated_fields = {"slug": ["name"]}


class PositionInline(admin.TabularInline):
    model = Position
    extra = 2
    fields = ["order", "label", "slug", "stance"]
    prepopulated_fields = {"slug": ["label"]}


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["title", "question", "position_count", "debate_count"]
    search_fields = ["title", "slug", "question"]
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


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    # Name, organisation and slug come from get_list_display(), per user.
    list_display = ["attribution", "role", "province"]
    list_filter = ["attribution", "province", "gender"]
    search_fields = ["name", "slug", "role", "organisation"]
    list_select_related = ["province"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["province"]
    radio_fields = {"attribution": admin.VERTICAL}
    fields = ["name", "slug", "attribution", "role", "organisation", "province", "gender"]
    # What staff without view_withheld_names see of a withheld participant instead of
    # the name, organisation and slug (a slug is usually made from the name).
    hidden_fields = {"name", "organisation", "slug"}

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

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if attribution.hides_name_from(obj, request.user):
            return ["shown_as", *(name for name in fields if name not in self.hidden_fields)]
        return fields

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
        ]
        widgets = {
            "order": forms.NumberInput(attrs={"style": "width: 4em"}),
            "text": forms.Textarea(attrs={"rows": 3, "cols": 40}),
            "original_text": forms.Textarea(attrs={"rows": 3, "cols": 30, "dir": "auto"}),
            "original_language": forms.TextInput(attrs={"size": 6}),
            "key": forms.TextInput(attrs={"size": 16}),
        }


class StatementInline(ParticipantLabels, admin.TabularInline):
    model = Statement
    form = StatementInlineForm
    extra = 1
    autocomplete_fields = ["speaker"]
    ordering = ["order", "id"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "speaker":
            kwargs["widget"] = PreloadedAutocompleteSelect(db_field, self.admin_site)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        position = formset.form.base_fields["position"]
        position.queryset = position.queryset.select_related("topic")
        # Offer only the debate's own positions; on save, validation names a wrong one.
        if request.method == "GET" and obj is not None and obj.topic_id:
            position.queryset = position.queryset.filter(topic_id=obj.topic_id)
        # Load the choices and the speakers' labels once, not once per statement row.
        position.choices = list(position.choices)
        if obj is not None:
            speakers = (
                Participant.objects.filter(statements__debate=obj)
                .select_related("province")
                .distinct()
            )
            formset.form.base_fields["speaker"].widget.widget.labels = {
                str(speaker.pk): attribution.staff_label(speaker, request.user)
                for speaker in speakers
            }
        return formset


@admin.register(Debate)
class DebateAdmin(ParticipantLabels, admin.ModelAdmin):
    list_display = [
        "title",
        "province",
        "held_on",
        "topic",
        "programme",
        "status",
        "statement_count",
    ]
    list_filter = [
        "status",
        ("province", admin.RelatedOnlyFieldListFilter),
        ("programme", admin.RelatedOnlyFieldListFilter),
        ("topic", admin.RelatedOnlyFieldListFilter),
        "held_on",
    ]
    date_hierarchy = "held_on"
    search_fields = ["title", "slug", "district", "venue", "summary"]
    list_select_related = ["province", "topic", "programme"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["programme", "topic", "province", "moderator"]
    readonly_fields = ["created_at", "updated_at"]
    actions = ["publish", "unpublish"]
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
        (_("History"), {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        # Staff count every statement, withheld ones too.
        return super().get_queryset(request).with_statement_count(Statement.objects.all())

    @admin.display(description=_("statements"), ordering="statement_count")
    def statement_count(self, obj):
        return obj.statement_count

    @admin.action(description=_("Publish selected debates"), permissions=["change"])
    def publish(self, request, queryset):
        self._set_status(request, queryset, Status.PUBLISHED)

    @admin.action(
        description=_("Unpublish selected debates (back to draft)"), permissions=["change"]
    )
    def unpublish(self, request, queryset):
        self._set_status(request, queryset, Status.DRAFT)

    def _set_status(self, request, queryset, status):
        updated = queryset.exclude(status=status).update(status=status)
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
class PositionAdmin(admin.ModelAdmin):
    """Listed for search and autocomplete; positions are edited inline on their topic."""

    list_display = ["label", "topic", "stance", "slug"]
    list_filter = ["stance", ("topic", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["label", "slug", "topic__title"]
    list_select_related = ["topic"]


@admin.register(Statement)
class StatementAdmin(ParticipantLabels, admin.ModelAdmin):
    """Statements are entered on their debate's page; this list is for finding them."""

    list_display = ["short_text", "debate", "speaker", "position", "kind", "key", "withheld"]
    list_filter = [
        "kind",
        "withheld",
        "debate__status",
        ("debate__province", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["text", "original_text", "key", "speaker__name", "debate__title"]
    list_select_related = ["debate__province", "speaker__province", "position__topic"]
    autocomplete_fields = ["debate", "speaker"]
    fields = [
        "debate",
        "order",
        "speaker",
        "position",
        "kind",
        "text",
        "original_text",
        "original_language",
        "key",
        "withheld",
    ]

    def get_list_display(self, request):
        # The speaker column is made for this request's user (see ParticipantAdmin).
        user = request.user
        by_name = "speaker__name" if attribution.may_see_withheld_names(user) else None

        @admin.display(description=_("speaker"), ordering=by_name)
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
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        # A report's featured-quote autocomplete offers only its debates' statements.
        report_id = request.GET.get("report", "")
        if request.GET.get("model_name") == "featuredquote":
            queryset = queryset.filter(debate__reports__pk=report_id if report_id.isdigit() else 0)
        return queryset, may_have_duplicates

    @admin.display(description=_("text"))
    def short_text(self, obj):
        return obj.text if len(obj.text) <= 80 else obj.text[:79] + "…"
