"""Pagination for public lists that grow with the record (debates and reports use it).

Two costs grow with the data and not with the page: counting every row of a list, and
annotating rows the page skips (PostgreSQL computes a select list's subqueries for the
rows an OFFSET skips too). ``CappedPaginator`` counts no further than it must, and with
``finish`` it pages the ids first, then loads and annotates only the page's rows.
"""

from django.core.paginator import Paginator
from django.utils.functional import cached_property


class CappedPaginator(Paginator):
    """A Paginator that counts at most ``cap`` objects, and finishes only a page's rows.

    ``cap``: past it the list stops (the last page holds object ``cap``), ``capped`` says
    there were more and the count is not computed further. ``count``: a count the caller
    already knows (no COUNT query). ``finish(queryset)``: what a page's rows need beyond
    the paged queryset (annotations, select_related); it gets a queryset of the page's
    rows alone, in the paged queryset's order.
    """

    def __init__(self, object_list, per_page, *, cap=None, count=None, finish=None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap
        self.finish = finish
        if count is not None:
            self.__dict__["count"] = count
            self.__dict__["capped"] = False

    @cached_property
    def count(self):
        if self.cap is None:
            self.__dict__["capped"] = False
            return super().count
        # Unordered: the ORDER BY would sort every row before the LIMIT.
        counted = self.object_list.order_by()[: self.cap + 1].count()
        self.__dict__["capped"] = counted > self.cap
        return min(counted, self.cap)

    @cached_property
    def capped(self):
        """True when the list holds more than ``cap`` objects (only the first are paged)."""
        self.count  # noqa: B018 (sets capped)
        return self.__dict__["capped"]

    def page(self, number):
        page = super().page(number)
        if self.finish is not None:
            paged = self.object_list
            page_ids = page.object_list.values("pk")
            rows = paged.model._default_manager.filter(pk__in=page_ids)
            if paged.query.order_by:
                rows = rows.order_by(*paged.query.order_by)
            page.object_list = self.finish(rows)
        return page


def paginate(request, queryset, per_page, **options):
    """The page of ``queryset`` that ``?page=`` asks for (the last one past the end)."""
    return CappedPaginator(queryset, per_page, **options).get_page(request.GET.get("page"))
