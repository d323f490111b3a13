"""What the record keeps of itself: every export, who made it and what it held.

An export holds the names and organisations the public never sees, so each one is
recorded, from the admin and from the command line alike.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from debates.history import actor_for


class ExportRecord(models.Model):
    class Via(models.TextChoices):
        ADMIN = "admin", _("admin")
        COMMAND_LINE = "command line", _("command line")

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    # Username, or "command line (<OS user>)": debates.history decides, as for history.
    actor = models.CharField(_("by"), max_length=200)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    via = models.CharField(_("via"), max_length=20, choices=Via.choices)
    # Slugs as chosen, kept even if a debate is later deleted or renamed.
    debate_slugs = models.JSONField(_("debates chosen"), default=list, blank=True)
    everything = models.BooleanField(_("everything"), default=False)
    debate_count = models.PositiveIntegerField(_("debates"))
    withheld_count = models.PositiveIntegerField(
        _("withheld participants"),
        help_text=_("Participants in the file whose name the public may not see."),
    )
    destination = models.CharField(_("written to"), max_length=500, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("export")
        verbose_name_plural = _("exports")

    def __str__(self):
        what = (
            _("everything")
            if self.everything
            else ngettext("%(count)d debate", "%(count)d debates", self.debate_count)
            % {"count": self.debate_count}
        )
        return _("%(what)s by %(actor)s") % {"what": what, "actor": self.actor}

    @classmethod
    def record(cls, user, debate_slugs, debate_count, withheld_count, destination=""):
        """Record an export by ``user`` (None: the command line) of ``debate_slugs``.

        ``debate_slugs`` None means everything.
        """
        signed_in = user is not None and user.is_authenticated
        return cls.objects.create(
            actor=actor_for(user),
            user=user if signed_in else None,
            via=cls.Via.ADMIN if signed_in else cls.Via.COMMAND_LINE,
            debate_slugs=sorted(set(debate_slugs or [])),
            everything=debate_slugs is None,
            debate_count=debate_count,
            withheld_count=withheld_count,
            destination=destination,
        )
