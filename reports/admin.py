from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from debates.admin import HistoryAdmin, changes_of, sentence
from debates.history import update_with_history
from debates.models import DELETE, Debate, Statement, Status
from debates.translation_admin import translated_form, translation_fieldsets

from .models import FeaturedQuote, Report, featured_quote_problem
from .quotecheck import Verdict, check_quotes


class ReportStatementAutocomplete(AutocompleteSelect):
    """Statement autocomplete that asks only for statements of one report's debates."""

    def __init__(self, field, admin_site, report_id, **kwargs):
        super().__init__(field, admin_site, **kwargs)
        self.report_id = report_id

    def get_url(self):
        return f"{super().get_url()}?{urlencode({'report': self.report_id})}"


class FeaturedQuoteFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        debate_ids = self._submitted_debate_ids()
        status = self.data.get("status", self.instance.status)
        for form in self.forms:
            statement = form.cleaned_data.get("statement")
            if statement is None or form.cleaned_data.get("DELETE"):
                continue
            problem = featured_quote_problem(statement, debate_ids, status)
            if problem:
                form.add_error("statement", problem)

    def _submitted_debate_ids(self):
        # The report's debates as submitted on the same page, saved or not.
        if "debates" in self.data:
            return {int(pk) for pk in self.data.getlist("debates") if str(pk).isdigit()}
        return set(self.instance.debates.values_list("pk", flat=True))


class FeaturedQuoteInline(admin.TabularInline):
    model = FeaturedQuote
    formset = FeaturedQuoteFormSet
    extra = 1
    fields = ["order", "statement"]
    ordering = ["order", "id"]
    verbose_name_plural = _("featured quotes (from the report's debates, in this order)")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("statement")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "statement":
            report_id = request.resolver_match.kwargs.get("object_id")
            kwargs["widget"] = ReportStatementAutocomplete(db_field, self.admin_site, report_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ReportFormBase(forms.ModelForm):
    publish_despite_quote_check = forms.BooleanField(
        label=_("Publish despite the quote check"),
        required=False,
        help_text=_(
            "Only when a passage the check flags is right as it is (e.g. translated "
            "differently); recorded in the report's history."
        ),
    )

    # The signed-in user, set per request by ReportAdmin.get_form.
    user = None
    # The quote check's mismatches published over, for the history (see save_model).
    overridden = ()

    def clean(self):
        cleaned = super().clean()
        report = self.instance  # as stored: the form's values are applied after clean()
        stored = report.status if report.pk else None
        refusal = Report.change_refusal(self.user, changes_of(self), status=stored)
        if refusal:
            raise ValidationError(sentence(refusal))
        publishes = stored != Status.PUBLISHED and cleaned.get("status") == Status.PUBLISHED
        if publishes and "body" in cleaned:
            # Checked on the body and debates being saved: a new report is checked too.
            mismatches = Report.quote_mismatches(cleaned["body"], cleaned.get("debates") or [])
            override = cleaned.get("publish_despite_quote_check")
            refusal = Report.quote_refusal(mismatches, override)
            if refusal:
                raise ValidationError(sentence(refusal))
            self.overridden = mismatches
        return cleaned


ReportForm = translated_form(Report, ReportFormBase)


@admin.register(Report)
class ReportAdmin(HistoryAdmin):
    form = ReportForm
    list_display = ["headline", "status", "published_on", "programme", "quote_count"]
    list_filter = [
        "status",
        "programme",
        "published_on",
        ("debates__province", admin.RelatedOnlyFieldListFilter),
    ]
    date_hierarchy = "published_on"
    search_fields = ["headline", "slug", "standfirst", "body", "byline"]
    list_select_related = ["programme"]
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["programme", "debates"]
    actions = ["send_for_review", "publish", "publish_despite_quote_check", "unpublish"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "headline",
                    "slug",
                    "standfirst",
                    "byline",
                    "status",
                    "publish_despite_quote_check",
                ]
            },
        ),
        (None, {"fields": ["programme", "published_on", "debates"]}),
        (_("Body"), {"fields": ["body"]}),
        *translation_fieldsets(Report),
        (_("Correction (public)"), {"fields": ["corrected_on", "correction_note"]}),
        (_("Before publishing"), {"fields": ["quote_check", "preview"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(quote_count=Count("quotes"))

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "debates":
            # The chosen debates are labelled with their province: one query, not one each.
            kwargs["queryset"] = Debate.objects.select_related("province")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_inlines(self, request, obj):
        # Quotes are picked from the report's debates, so the debates come first.
        return [FeaturedQuoteInline] if obj is not None else []

    def has_publish_permission(self, request):
        return Report.may_publish(request.user)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.user = request.user
        if "status" in form.base_fields:
            form.base_fields["status"].choices = Status.choices_for(
                self.has_publish_permission(request), obj.status if obj else None
            )
        return form

    def get_readonly_fields(self, request, obj=None):
        return ["quote_check", "preview", "corrected_on"]

    def save_model(self, request, obj, form, change):
        # A published report changed by someone allowed is a correction the public sees.
        if change:
            obj.note_correction(form.changed_data, form.initial.get("status") == Status.PUBLISHED)
        obj.date_on_publishing()
        if form.overridden:
            obj._change_reason = Report.override_reason(form.overridden)
        super().save_model(request, obj, form, change)

    def has_change_permission(self, request, obj=None):
        # What is published is live: only those who may publish may change it in a form
        # (anyone who may change reports may unpublish it, on the list).
        if obj is not None and Report.change_refusal(
            request.user, {"body": obj.body}, status=obj.status
        ):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and Report.change_refusal(request.user, DELETE, status=obj.status):
            return False
        return super().has_delete_permission(request, obj)

    @admin.display(description=_("featured quotes"), ordering="quote_count")
    def quote_count(self, obj):
        return obj.quote_count

    @admin.display(description=_("preview"))
    def preview(self, obj):
        if obj is None or obj.pk is None:
            return _("Save the report to preview it.")
        return format_html(
            '<p><a href="{}" target="_blank">{}</a></p><div class="report-preview">{}</div>',
            obj.get_absolute_url(),
            _("Open the page as the public will see it"),
            obj.body_html,
        )

    @admin.display(description=_("quote check"))
    def quote_check(self, obj):
        if obj is None or obj.pk is None:
            return _("Save the report with its debates to check its quotes.")
        statements = Statement.objects.filter(debate__in=obj.debates.all()).select_related("debate")
        results = check_quotes(obj.body, statements)
        if not results:
            return _("The body quotes nothing.")
        verdicts = {
            Verdict.MATCHED: _("✔ matches"),
            Verdict.WITHDRAWN: _(
                "✘ quotes a withdrawn statement: the public reads “[quote withdrawn]” "
                "here; rewrite the passage"
            ),
            Verdict.MISQUOTED: _("✘ differs from"),
            Verdict.UNSOURCED: _("✘ no source in the report's debates"),
        }
        rows = format_html_join(
            "",
            '<tr class="quote-{}"><td>“{}”</td><td>{}</td><td>{}</td></tr>',
            (
                (
                    result.verdict,
                    result.passage,
                    verdicts[result.verdict],
                    f"{result.statement.debate.title}: {result.statement.text}"
                    if result.statement
                    else "",
                )
                for result in results
            ),
        )
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead>"
            "<tbody>{}</tbody></table>",
            _("quoted passage"),
            _("check"),
            _("statement"),
            rows,
        )

    @admin.action(description=_("Send selected drafts for review"), permissions=["change"])
    def send_for_review(self, request, queryset):
        count = update_with_history(
            queryset.filter(status=Status.DRAFT), request.user, status=Status.REVIEW
        )
        self.message_user(
            request,
            ngettext(
                "%d report is now waiting for review.",
                "%d reports are now waiting for review.",
                count,
            )
            % count,
            messages.SUCCESS,
        )

    @admin.action(description=_("Publish selected reports"), permissions=["publish"])
    def publish(self, request, queryset):
        self._publish(request, queryset, override=False)

    @admin.action(
        description=_("Publish selected reports despite the quote check (recorded)"),
        permissions=["publish"],
    )
    def publish_despite_quote_check(self, request, queryset):
        self._publish(request, queryset, override=True)

    def _publish(self, request, queryset, override):
        published = 0
        for report in queryset.exclude(status=Status.PUBLISHED).prefetch_related("debates"):
            debate_ids = {debate.pk for debate in report.debates.all()}
            problems = [
                problem
                for quote in report.quotes.select_related("statement__debate")
                if (
                    problem := featured_quote_problem(quote.statement, debate_ids, Status.PUBLISHED)
                )
            ]
            mismatches = Report.quote_mismatches(report.body, debate_ids)
            refusal = Report.quote_refusal(mismatches, override)
            if refusal:
                problems.append(refusal)
            if problems:
                self.message_user(
                    request,
                    _("“%(report)s” was not published: %(problem)s")
                    % {"report": report.headline, "problem": problems[0]},
                    messages.ERROR,
                )
                continue
            report.status = Status.PUBLISHED
            report.date_on_publishing()
            if mismatches:
                report._change_reason = Report.override_reason(mismatches)
            report.save(update_fields=["status", "published_on", "updated_at"])
            published += 1
        if published:
            self.message_user(
                request,
                ngettext("%d report published.", "%d reports published.", published) % published,
                messages.SUCCESS,
            )

    @admin.action(
        description=_("Unpublish selected reports (back to draft)"), permissions=["change"]
    )
    def unpublish(self, request, queryset):
        # Taking a report off the site protects: anyone who may change reports may.
        count = update_with_history(
            queryset.filter(status=Status.PUBLISHED), request.user, status=Status.DRAFT
        )
        self.message_user(
            request,
            ngettext("%d report is now a draft.", "%d reports are now drafts.", count) % count,
            messages.SUCCESS,
        )
