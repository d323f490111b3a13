"""Filters of the public debates list.

Choices are by slug so a filtered view has a URL worth sharing, and list only what has
published debates: a draft never shows, not even as a filter option.
"""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from django_filters.fields import ModelChoiceField

from .forms import QUERY_FIELD_OPTIONS, QuickSelect
from .models import Debate, Programme, Province, Topic


class ShownNameChoiceField(ModelChoiceField):
    """Options named in the page's language where translated (``shown_name``)."""

    def label_from_instance(self, obj):
        return str(obj.shown_name)


class ShownNameChoiceFilter(django_filters.ModelChoiceFilter):
    """A choice of topics, provinces or programmes named in the page's language."""

    field_class = ShownNameChoiceField


def slug_choice(label, queryset, empty_label):
    return ShownNameChoiceFilter(
        label=label,
        queryset=queryset,
        to_field_name="slug",
        empty_label=empty_label,
        widget=QuickSelect,
    )


class DebateFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Words"), method="filter_words", **QUERY_FIELD_OPTIONS)
    province = slug_choice(
        _("Province"), Province.objects.having_published_debates(), _("All provinces")
    )
    topic = slug_choice(_("Topic"), Topic.objects.having_published_debates(), _("All topics"))
    programme = slug_choice(
        _("Programme"), Programme.objects.having_published_debates(), _("All programmes")
    )
    held_after = django_filters.DateFilter(
        label=_("Held on or after"),
        field_name="held_on",
        lookup_expr="gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    held_before = django_filters.DateFilter(
        label=_("Held on or before"),
        field_name="held_on",
        lookup_expr="lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    sort = django_filters.ChoiceFilter(
        label=_("Order"),
        choices=(("newest", _("Newest first")), ("oldest", _("Oldest first"))),
        empty_label=None,
        method="sort_by",
    )

    class Meta:
        model = Debate
        fields = ["q", "province", "topic", "programme", "held_after", "held_before", "sort"]

    def filter_words(self, queryset, name, value):
        return queryset.matching(value)

    def sort_by(self, queryset, name, value):
        return queryset.oldest_first() if value == "oldest" else queryset.newest_first()
