"""Two-factor login for staff (django-otp): who still owes a code, enrolment, backup codes.

A staff member who has enrolled is always asked for a code after the password. One who
has not is let into the admin only while REQUIRE_2FA is off; with it on, the admin sends
them to enrolment first.
"""

import logging

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_otp import device_classes, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

log = logging.getLogger(__name__)

BACKUP_CODE_COUNT = 10
APP_DEVICE_NAME = _("Authenticator app")
BACKUP_DEVICE_NAME = _("Backup codes")

ENROL = "accounts:two_factor"
VERIFY = "accounts:verify"


def is_staff(user):
    return user.is_authenticated and user.is_active and user.is_staff


def is_verified(user):
    # OTPMiddleware sets otp_device; a user object fresh from login() has none yet.
    return getattr(user, "otp_device", None) is not None


def is_enrolled(user):
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()


def pending_step(request):
    """The name of the page a staff member must pass before the admin, or None."""
    user = request.user
    if not is_staff(user) or is_verified(user):
        return None
    if user_has_device(user):
        return VERIFY
    if settings.REQUIRE_2FA:
        return ENROL
    return None


def app_device_to_confirm(user):
    """The authenticator being enrolled: the same one on every visit until confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=str(APP_DEVICE_NAME), confirmed=False)
    return device


def clean_token(token):
    return "".join(token.split()).lower()


@transaction.atomic
def confirm_app(device, token):
    """Confirm the authenticator with its first code; returns new backup codes, or None."""
    if not device.verify_token(clean_token(token)):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    log.warning("Two-factor login set up for staff user %s", device.user.get_username())
    return new_backup_codes(device.user)


@transaction.atomic
def new_backup_codes(user):
    """Replace the user's backup codes; the codes are shown once, by the caller."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=str(BACKUP_DEVICE_NAME))
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def backup_codes_left(user):
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


class Refused(Exception):
    pass


def verify(user, token):
    """The device that accepts the token (app codes are digits, backup codes letters).

    Only the matching kind of device is tried, so a mistyped app code does not count as
    a failed attempt against the backup codes (django-otp slows down each device after
    failures). Raises Refused with the reason when no device accepts it.
    """
    token = clean_token(token)
    model = TOTPDevice if token.isdigit() else StaticDevice
    with transaction.atomic():
        devices = model.objects.devices_for_user(user, confirmed=True).select_for_update()
        for device in devices:
            allowed, _details = device.verify_is_allowed()
            if not allowed:
                raise Refused(_("Too many wrong codes: wait a minute, then try again."))
            if device.verify_token(token):
                return device
    log.warning("Two-factor code refused for staff user %s", user.get_username())
    raise Refused(_("That code is not right. Try again."))


@transaction.atomic
def reset(user):
    """Remove every two-factor device of the user; returns how many there were."""
    removed = 0
    for model in device_classes():
        devices = model.objects.filter(user=user)
        removed += devices.count()
        devices.delete()
    log.warning("Two-factor devices of staff user %s removed", user.get_username())
    return removed
