"""What the public may see of a speaker: the one place that decides it.

Speakers can be at risk for what they said. Every public output (pages, feeds, search
results, API responses, public exports) asks ``public_speaker()`` for a participant's
label and link, and never reads the participant's name or organisation itself.

The rule, from the debate record format:

==========  ===================================  ===========================================
attribution public sees                           example
==========  ===================================  ===========================================
named       name and role                         Qazi Matiullah Doorman, civil society activist
role        role and province, never the name     a provincial council member in Ghor
anonymous   only that someone spoke at the debate one speaker in the Kabul debate
==========  ===================================  ===========================================

A participant whose attribution nobody chose (blank, unknown) is treated as anonymous.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

NAMED = "named"
ROLE = "role"


@dataclass(frozen=True)
class PublicSpeaker:
    """A speaker as the public may see them."""

    label: str
    # Set for named participants only: their public page is keyed by it.
    slug: str | None = None
    # The role is safe to show for named and role participants only.
    role: str = ""

    @property
    def is_named(self):
        return self.slug is not None

    @property
    def url(self):
        """The public speaker page; only named participants have one."""
        if self.slug is None:
            return None
        return reverse("debates:speaker_detail", args=[self.slug])


@dataclass(frozen=True)
class PublicProfile:
    """What a named participant's public page shows; name and role in the page's
    language where translated (LocalizedText, which knows its language)."""

    name: object
    slug: str
    role: object
    organisation: str
    province: object  # a Province, or None

    @property
    def label(self):
        return public_speaker_label(self.name, self.role)


def public_profile(participant):
    """The public page of ``participant``, or None: only named participants have one."""
    if participant is None or participant.attribution != NAMED:
        return None
    return PublicProfile(
        name=participant.localized("name"),
        slug=participant.slug,
        role=participant.localized("role"),
        organisation=participant.organisation,
        province=participant.province,
    )


def public_speaker_label(name, role):
    if role:
        return _("%(name)s, %(role)s") % {"name": name, "role": role}
    return name


def public_speaker(participant, debate=None):
    """Return the PublicSpeaker for ``participant`` speaking at ``debate``.

    ``participant`` may be None (an unidentified speaker); ``debate`` may be None when
    there is no debate in view, e.g. a moderator listed outside any debate.
    """
    if participant is None:
        return PublicSpeaker(label=_("an unidentified speaker"))

    # Translated names and roles follow the same rule as the English ones: a withheld
    # participant's name is read in no language.
    if participant.attribution == NAMED:
        name, role = str(participant.localized("name")), str(participant.localized("role"))
        return PublicSpeaker(
            label=public_speaker_label(name, role), slug=participant.slug, role=role
        )

    if participant.attribution == ROLE:
        province = participant.province or (debate.province if debate else None)
        role = str(participant.localized("role")) or _("participant")
        if province is None:
            label = _("%(article)s %(role)s") % {"article": _article(role), "role": role}
        else:
            label = _("%(article)s %(role)s in %(province)s") % {
                "article": _article(role),
                "role": role,
                "province": province.localized_name(),
            }
        return PublicSpeaker(label=label, role=str(participant.localized("role")))

    # Anonymous, and any attribution nobody chose.
    if debate is None:
        return PublicSpeaker(label=_("an anonymous speaker"))
    return PublicSpeaker(
        label=_("one speaker in the %(province)s debate")
        % {"province": debate.province.localized_name()}
    )


def _article(word):
    # English indefinite article; translations word the whole phrase themselves.
    return _("an") if word[:1].lower() in "aeiou" else _("a")


# Staff ---------------------------------------------------------------------------
# In the admin, the name and organisation of a role or anonymous participant are for
# staff who enter or publish them (the view_withheld_names permission); other staff see
# what the public sees, with the participant's number to tell two apart.

WITHHELD_NAMES_PERMISSION = "debates.view_withheld_names"


def is_withheld(participant):
    """Whether the public may not see ``participant``'s name and organisation."""
    return participant.attribution != NAMED


def may_see_withheld_names(user):
    return user is not None and user.has_perm(WITHHELD_NAMES_PERMISSION)


def withheld_label(participant):
    """A withheld participant as staff without the permission see them."""
    return _("%(label)s (participant %(number)s)") % {
        "label": public_speaker(participant).label,
        "number": participant.pk,
    }


def staff_label(participant, user):
    """How the admin names ``participant`` to ``user``: the one helper the admin asks."""
    if participant is None:
        return ""
    if not is_withheld(participant) or may_see_withheld_names(user):
        return participant.name
    return withheld_label(participant)


def hides_name_from(participant, user):
    """Whether ``user`` may not see ``participant``'s name, organisation and slug."""
    return participant is not None and is_withheld(participant) and not may_see_withheld_names(user)
