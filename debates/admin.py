from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import (
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


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ["name", "attribution", "role", "organisation", "province", "slug"]
    list_filter = ["attribution", "province", "gender"]
    search_fields = ["name", "slug", "role", "organisation"]
    list_select_related = ["province"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["province"]
    radio_fields = {"attribution": admin.VERTICAL}
    fields = ["name", "slug", "attribution", "role", "organisation", "province", "gender"]

    def view_on_site(self, obj):
        return obj.get_absolute_url()


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


class StatementInline(admin.TabularInline):
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
            speakers = Participant.objects.filter(statements__debate=obj).distinct()
            formset.form.base_fields["speaker"].widget.widget.labels = {
                str(speaker.pk): str(speaker) for speaker in speakers
            }
        return formset


@admin.register(Debate)
class DebateAdmin(admin.ModelAdmin):
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
class StatementAdmin(admin.ModelAdmin):
    """Statements are entered on their debate's page; this list is for finding them."""

    list_display = ["short_text", "debate", "speaker", "position", "kind", "key", "withheld"]
    list_filter = [
        "kind",
        "withheld",
        "debate__status",
        ("debate__province", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["text", "original_text", "key", "speaker__name", "debate__title"]
    list_select_related = ["debate__province", "speaker", "position__topic"]
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
