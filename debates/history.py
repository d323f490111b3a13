"""The history of changes (django-simple-history): who, when, what, and why.

Every tracked model declares ``history = tracked()``. Who made a change is decided here
and nowhere else: a signed-in user by their username (and ``history_user``), anything
without a web request (``import_debates``, a shell) as "command line (<OS user>)".

History keeps the old values of withheld names, so it is for staff only: nothing public
reads it.
"""

import getpass
import os

from django.db import models
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record

# Rows read and written at a time by a change to many rows.
BATCH = 1000


class HistoricalActor(models.Model):
    """Added to every historical model: who made the change, also without a user."""

    actor = models.CharField(_("by"), max_length=200, blank=True)

    class Meta:
        abstract = True


def tracked(**options):
    """The history manager of a tracked model."""
    return HistoricalRecords(bases=[HistoricalActor], **options)


def os_user():
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        # No login name and no passwd entry (some containers): the numeric id.
        return str(os.getuid())


def command_line_actor():
    return f"command line ({os_user()})"


def actor_for(user):
    """The ``actor`` of a change by ``user``; without a signed-in user, the command line."""
    if user is not None and getattr(user, "is_authenticated", False):
        return user.get_username()
    return command_line_actor()


@receiver(pre_create_historical_record)
def _set_actor(sender, history_instance, history_user=None, **kwargs):
    if not history_instance.actor:
        history_instance.actor = actor_for(history_user)


def record_bulk(model, objs, *, update, user=None, reason=""):
    """Record the history of ``objs`` written in bulk (bulk_create, bulk_update, update).

    Saving row by row records itself; a bulk write must call this, with the objects as
    they now are: one INSERT of history rows, each by ``user`` (or the command line),
    with ``reason``.
    """
    if not objs:
        return
    history_user = user if getattr(user, "is_authenticated", False) else None
    model.history.bulk_history_create(
        objs,
        batch_size=1000,
        update=update,
        default_user=history_user,
        default_change_reason=reason or None,
        custom_historical_attrs={"actor": actor_for(user)},
    )


def update_with_history(queryset, user, reason="", **values):
    """``queryset.update(**values)``, recording each row's new version in its history.

    For changes made to many rows at once (admin list actions), which save no row one by
    one: rows are read, changed and written in batches, each batch's history in one
    INSERT (``record_bulk``). A model's ``auto_now`` fields (``updated_at``) are set as
    a save would set them. Returns the number of rows.
    """
    model = queryset.model
    now = timezone.now()
    for field in model._meta.concrete_fields:
        if getattr(field, "auto_now", False):
            values.setdefault(field.name, now)
    count = 0
    batch = []
    for obj in queryset.order_by("pk").iterator(chunk_size=BATCH):
        for name, value in values.items():
            setattr(obj, name, value)
        batch.append(obj)
        if len(batch) == BATCH:
            count += _bulk_update(model, batch, list(values), user, reason)
            batch = []
    return count + _bulk_update(model, batch, list(values), user, reason)


def _bulk_update(model, objs, fields, user, reason):
    if not objs:
        return 0
    model.objects.bulk_update(objs, fields)
    record_bulk(model, objs, update=True, user=user, reason=reason)
    return len(objs)
