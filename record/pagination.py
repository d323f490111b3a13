"""Pagination for public lists that grow with the record (debates, search and reports).

Two costs grow with the data and not with the page: counting every row of a list, and
annotating rows the page skips (PostgreSQL computes a select list's subqueries for the
rows an OFFSET skips too).

Counting every match of a common word costs as much as reading them all; a reader
never pages through more than a few hundred. A ``CappedPaginator`` reads the ids of at
most ``cap + 1`` matches, in no order (the database stops at the first it finds):

- past the cap it says "more than <cap>" (``capped``), and its pages end at the cap;
- within the cap its pages are read from those ids alone. A rare word sorted by date
  then never makes the database walk every row in date order to find its few matches
  (its planner would, guessing the matches spread evenly): the ids come from the
  filter's own index, and the sort is of at most ``cap`` rows.

``cap=None`` counts every row (a list every row of which must stay reachable, such as
the debates), ``count`` takes a count the caller knows, and ``finish`` pages the ids
first, then loads and annotates only the page's rows.
"""

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

# Matches counted and paged through at most, unless a list asks for another cap.
CAP = 1000


class CappedPaginator(Paginator):
    """``finish(queryset)``: what a page's rows need beyond the paged queryset
    (annotations, select_related); it gets a queryset of the page's rows alone, in the
    paged queryset's order."""

    def __init__(self, object_list, per_page, *, cap=CAP, count=None, finish=None, **kwargs):
        self.cap = cap
        self.finish = finish
        super().__init__(object_list, per_page, **kwargs)
        self._known = cap is None or count is not None
        self._narrowed = self._known or not isinstance(object_list, QuerySet)
        if count is not None:
            self.__dict__["count"] = count

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
        return not self._known and len(self._matches) > self.cap

    @cached_property
    def count(self):
        """The number of rows the pages hold: all of them, or the cap."""
        if self.cap is None:
            return super().count
        return min(len(self._matches), self.cap)

    def page(self, number):
        number = self.validate_number(number)
        if not self._narrowed:
            self._narrowed = True
            if not self.capped:
                self.object_list = self.object_list.filter(pk__in=self._matches)
        page = super().page(number)
        if self.finish is not None:
            paged = self.object_list
            rows = paged.model._default_manager.filter(pk__in=page.object_list.values("pk"))
            if paged.query.order_by:
                rows = rows.order_by(*paged.query.order_by)
            page.object_list = self.finish(rows)
        return page


def paginate(request, queryset, per_page, *, cap=None, **options):
    """The page of ``queryset`` that ``?page=`` asks for (the last one past the end).

    Every row is counted unless a ``cap`` is given (see ``CappedPaginator``).
    """
    return CappedPaginator(queryset, per_page, cap=cap, **options).get_page(request.GET.get("page"))
