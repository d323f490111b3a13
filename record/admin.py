"""The debate list's import page and export action, added to the debates admin.

They live here, not in ``debates``, because the record format also covers reports:
``debates`` must not depend on ``reports``.
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from debates.admin import DebateAdmin
from debates.models import Debate

from .errors import RecordError
from .exporter import ExportSummary, export_pieces, withheld_count
from .importer import import_record
from .models import ExportRecord
from .parse import format_size, too_large_message


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Debate record file"))
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text=_(
            "Recorded in the history of the participants the file changes. Required when "
            "the file reveals more of a participant (anonymous to role to named), which "
            "needs permission to reveal participants."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "JSON in the debate record format, at most %(limit)s."
        ) % {"limit": format_size(settings.IMPORT_MAX_BYTES)}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(too_large_message(settings.IMPORT_MAX_BYTES))
        return upload


class RecordDebateAdmin(DebateAdmin):
    change_list_template = "admin/debates/debate/change_list.html"
    actions = [*DebateAdmin.actions, "export_selected"]

    def get_urls(self):
        view = self.admin_site.admin_view(self.import_view)
        return [path("import/", view, name="debates_debate_import"), *super().get_urls()]

    def has_import_permission(self, request):
        # An import creates and changes debates.
        return self.has_add_permission(request) and self.has_change_permission(request)

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "has_import_permission": self.has_import_permission(request),
        }
        return super().changelist_view(request, extra_context)

    def import_view(self, request):
        if not self.has_import_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Import debates"),
        }
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                # A web request does not wait for another import to finish.
                context["summary"] = import_record(
                    upload.file,
                    user=request.user,
                    name=upload.name,
                    wait=False,
                    reason=form.cleaned_data["reason"].strip(),
                )
                context["filename"] = upload.name
                form = ImportForm()
            except RecordError as error:
                context["errors"] = error.errors
        context["form"] = form
        return TemplateResponse(request, "admin/debates/debate/import.html", context)

    def has_export_permission(self, request):
        # An export holds the names the public never sees.
        return request.user.has_perm("debates.export_debates")

    @admin.action(
        description=_("Export selected debates (staff only: holds withheld names)"),
        permissions=["export"],
    )
    def export_selected(self, request, queryset):
        slugs = list(queryset.values_list("slug", flat=True))
        withheld = withheld_count(slugs)
        ExportRecord.record(request.user, slugs, len(slugs), withheld)
        if withheld:
            self.message_user(
                request,
                ngettext(
                    "The export holds the name of %(count)d participant whose name is "
                    "withheld from the public. It is for staff only.",
                    "The export holds the names of %(count)d participants whose names are "
                    "withheld from the public. It is for staff only.",
                    withheld,
                )
                % {"count": withheld},
                messages.WARNING,
            )
        # Streamed: the file is written as the database is read, whatever its size.
        pieces = (piece.encode() for piece in export_pieces(ExportSummary(), slugs))
        response = StreamingHttpResponse(pieces, content_type="application/json; charset=utf-8")
        filename = f"debates-{timezone.localdate().isoformat()}.json"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


admin.site.unregister(Debate)
admin.site.register(Debate, RecordDebateAdmin)


@admin.register(ExportRecord)
class ExportRecordAdmin(admin.ModelAdmin):
    """Every export, read-only for staff: nobody adds, changes or deletes one."""

    list_display = ["at", "actor", "via", "debate_list", "withheld_count", "destination"]
    list_filter = ["via", "at"]
    search_fields = ["actor", "destination"]
    date_hierarchy = "at"
    fields = [
        "at",
        "actor",
        "via",
        "everything",
        "debate_count",
        "debate_list",
        "withheld_count",
        "destination",
    ]
    readonly_fields = fields

    @admin.display(description=_("debates"))
    def debate_list(self, obj):
        if obj.everything:
            return _("everything")
        return ", ".join(obj.debate_slugs)

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
