"""Staff see the public page of a draft, or of one waiting for review, before it is public.

Only staff signed in to the admin (its second factor included) who may view the object
there; everyone else gets the 404 an unpublished object always gets. Such a page says it
is not public, asks not to be indexed and is never cached (``private``); sitemaps, feeds
and search list published objects only, whoever asks.
"""

from django.contrib import admin
from django.utils.cache import add_never_cache_headers

from debates.models import Status


def may_preview(request, model):
    """Whether this request's user may see unpublished ``model`` objects on the public site.

    No query for a visitor who is not signed in: the public pages cost what they did.
    """
    # A request made without the authentication middleware (a test's) is anonymous.
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    opts = model._meta
    return admin.site.has_permission(request) and (
        user.has_perm(f"{opts.app_label}.view_{opts.model_name}")
        or user.has_perm(f"{opts.app_label}.change_{opts.model_name}")
    )


def previewing(request, queryset, **lookups):
    """Whether the page of the object ``lookups`` find in ``queryset`` is a staff preview:
    the object is not published, and the user may see it (``may_preview``)."""
    return (
        may_preview(request, queryset.model)
        and queryset.filter(**lookups).exclude(status=Status.PUBLISHED).exists()
    )


def private(response):
    """A preview's response: kept by no cache, shared or the browser's."""
    add_never_cache_headers(response)
    return response
