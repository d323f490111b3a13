"""Staff pages around the admin login: enrol an authenticator, give a code, lockout."""

from base64 import b32encode
from functools import wraps

import segno
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login
from django_otp import user_has_device

from . import two_factor
from .forms import TokenForm


def staff_only(view):
    @wraps(view)
    def inner(request, *args, **kwargs):
        if not two_factor.is_staff(request.user):
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        return view(request, *args, **kwargs)

    return never_cache(sensitive_post_parameters("token")(inner))


def next_url(request):
    url = request.POST.get("next") or request.GET.get("next")
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse("admin:index")


def page(request, template, title, **context):
    return render(
        request,
        template,
        {**admin.site.each_context(request), "title": title, "next": next_url(request), **context},
    )


def qr_svg(text):
    # Inline <svg> markup: no script, no style attribute, no data: URI for a strict CSP.
    svg = segno.make(text, error="m").svg_inline(scale=4, dark="#000", light="#fff")
    return mark_safe(svg)  # segno's own markup: paths and numbers, nothing from a user


@staff_only
def setup(request):
    """Enrol an authenticator app; once enrolled, make new backup codes."""
    user = request.user
    if two_factor.is_enrolled(user):
        if two_factor.pending_step(request):
            return redirect(two_factor.VERIFY)
        if request.method == "POST":
            codes = two_factor.new_backup_codes(user)
            return page(request, "accounts/backup_codes.html", _("Backup codes"), codes=codes)
        return page(
            request,
            "accounts/enrolled.html",
            _("Two-factor login"),
            codes_left=two_factor.backup_codes_left(user),
        )

    device = two_factor.app_device_to_confirm(user)
    form = TokenForm(request.POST or None)
    if form.is_valid():
        codes = two_factor.confirm_app(device, form.cleaned_data["token"])
        if codes is not None:
            otp_login(request, device)
            return page(request, "accounts/backup_codes.html", _("Backup codes"), codes=codes)
        form.add_error("token", _("That code is not right. Check the phone's clock and try again."))
    secret = b32encode(device.bin_key).decode()
    return page(
        request,
        "accounts/enrol.html",
        _("Set up two-factor login"),
        form=form,
        qr=qr_svg(device.config_url),
        secret=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
    )


@staff_only
def verify(request):
    """The second step of the admin login: a code from the app or a backup code."""
    user = request.user
    if two_factor.is_verified(user):
        return redirect(next_url(request))
    if not user_has_device(user):
        return redirect(two_factor.ENROL)
    form = TokenForm(request.POST or None)
    if form.is_valid():
        try:
            device = two_factor.verify(user, form.cleaned_data["token"])
        except two_factor.Refused as refused:
            form.add_error("token", str(refused.args[0]))
        else:
            otp_login(request, device)
            if device.name == str(two_factor.BACKUP_DEVICE_NAME):
                left = two_factor.backup_codes_left(user)
                messages.warning(
                    request,
                    ngettext(
                        "You used a backup code; %(count)d is left.",
                        "You used a backup code; %(count)d are left.",
                        left,
                    )
                    % {"count": left},
                )
            return redirect(next_url(request))
    return page(request, "accounts/verify.html", _("Two-factor login"), form=form)


def locked_out(request, original_response=None, credentials=None):
    """What django-axes answers once a user and address have failed too often."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "accounts/locked_out.html",
        {**admin.site.each_context(request), "title": _("Login locked"), "minutes": minutes},
        status=429,
    )
