import django_filters
from django.utils.translation import gettext_lazy as _

from debates.filters import ShownNameChoiceFilter
from debates.models import Programme, Province

from .models import Report


class ReportFilter(django_filters.FilterSet):
    """Filters of the public reports list, by slug so shared URLs read well.

    Like the debates list, it offers only what published work stands for: programmes of
    published reports, provinces of published debates.
    """

    programme = ShownNameChoiceFilter(
        label=_("Programme"),
        queryset=Programme.objects.filter(reports__in=Report.objects.published()).distinct(),
        to_field_name="slug",
        empty_label=_("All programmes"),
    )
    province = ShownNameChoiceFilter(
        label=_("Province"),
        queryset=Province.objects.having_published_debates(),
        to_field_name="slug",
        method="filter_province",
        empty_label=_("All provinces"),
    )

    class Meta:
        model = Report
        fields = ["programme", "province"]

    def filter_province(self, queryset, name, value):
        return queryset.in_province(value)
