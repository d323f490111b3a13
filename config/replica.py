"""A read replica for public pages (README, "Scaling"), used when DATABASE_REPLICA_URL is set.

The middleware decides, once per request, whether its reads of debates and reports may go
to the replica: only a public page (a safe method, outside the admin) asked for by someone
not logged in, and only when no change to debates or reports was committed within the last
REPLICA_FALLBACK_SECONDS. Everything else (writes, staff, the admin, sessions, logins,
lockouts, management commands, migrations) uses the primary, "default".

A change is noted in the cache (Redis with REDIS_URL, so every instance sees it) when its
transaction commits; until the note expires public pages read from the primary, so a
participant made anonymous or a statement withheld is gone on the next request even
while the replica still lags behind.
"""

import logging
import time
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import cache
from django.db import connections, transaction

log = logging.getLogger(__name__)

REPLICA = "replica"
PRIMARY = "default"
# The apps whose rows make the public pages; everything else always stays on the primary
# (sessions and users above all: a login must be seen by the very next request).
PUBLIC_APPS = {"debates", "reports"}
CHANGE_KEY = "replica:public-change"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
STAFF_NAMESPACES = {"admin", "accounts"}

# Whether this request's public reads may go to the replica; off outside a request.
_use_replica = ContextVar("use_replica", default=False)


def reading_replica():
    return _use_replica.get()


def note_public_change():
    """Public pages read from the primary for REPLICA_FALLBACK_SECONDS from now on."""
    try:
        cache.set(CHANGE_KEY, time.time(), timeout=settings.REPLICA_FALLBACK_SECONDS)
    except Exception:
        # The change is committed; a cache that is down must not turn it into an error.
        log.exception("could not note a change for the replica fallback")


def recent_public_change():
    try:
        return cache.get(CHANGE_KEY) is not None
    except Exception:
        log.exception("could not read the replica fallback note; reading the primary")
        return True


def _note_on_commit():
    # One callback per transaction, however many rows it writes (an import writes many).
    connection = connections[PRIMARY]
    if not connection.in_atomic_block:
        note_public_change()
    elif not any(func is note_public_change for _, func, _ in connection.run_on_commit):
        transaction.on_commit(note_public_change, using=PRIMARY)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if model._meta.app_label in PUBLIC_APPS and reading_replica():
            return REPLICA
        return PRIMARY

    def db_for_write(self, model, **hints):
        if model._meta.app_label in PUBLIC_APPS:
            _note_on_commit()
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        # The replica is a copy of the primary: a row from one may refer to a row from the other.
        return True

    def allow_migrate(self, db, app_label, **hints):
        return db == PRIMARY


class ReplicaMiddleware:
    """Lets a public request's reads of debates and reports go to the replica."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _use_replica.set(False)
        try:
            return self.get_response(request)
        finally:
            _use_replica.reset(token)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # After URL resolution, so the admin and the two-factor pages are known by their
        # namespace whatever their prefix.
        namespaces = set(request.resolver_match.namespaces)
        _use_replica.set(
            request.method in SAFE_METHODS
            and not namespaces & STAFF_NAMESPACES
            and not request.user.is_authenticated
            and not recent_public_change()
        )
