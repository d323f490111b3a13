"""Pagination that never counts past a cap, for lists that can match a million rows.

Counting every match of a common word costs as much as reading them all; a reader
never pages through more than a few hundred. A ``CappedPaginator`` reads the ids of at
most ``cap + 1`` matches, in no order (the database stops at the first it finds):

- past the cap it says "more than <cap>" (``capped``), and its pages end at the cap;
- within the cap its pages are read from those ids alone. A rare word sorted by date
  then never makes the database walk every row in date order to find its few matches
  (its planner would, guessing the matches spread evenly): the ids come from the
  filter's own index, and the sort is of at most ``cap`` rows.
"""

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

# Matches counted and paged through at most, unless a list asks for another cap.
CAP = 1000


class CappedPaginator(Paginator):
    def __init__(self, object_list, per_page, *, cap=CAP, **kwargs):
        self.cap = cap
        super().__init__(object_list, per_page, **kwargs)
        self._narrowed = not isinstance(object_list, QuerySet)

    @cached_property
    def _matches(self):
        """The first ``cap + 1`` rows' ids of a queryset, or rows of a list."""
        rows = self.object_list
        if isinstance(rows, QuerySet):
            # Which rows does not matter here, only how many: no order, no joins but the
            # filters' (select_related is dropped with the columns).
            return list(rows.order_by().values_list("pk", flat=True)[: self.cap + 1])
        return rows[: self.cap + 1]

    @property
    def capped(self):
        """Whether there are more rows than the cap: the count shown is "more than"."""
        return len(self._matches) > self.cap

    @cached_property
    def count(self):
        """The number of rows the pages hold: all of them, or the cap."""
        return min(len(self._matches), self.cap)

    def page(self, number):
        number = self.validate_number(number)
        if not self._narrowed:
            self._narrowed = True
            if not self.capped:
                self.object_list = self.object_list.filter(pk__in=self._matches)
        return super().page(number)
