"""The admin site, asking staff for their second factor (see two_factor.py)."""

from functools import update_wrapper
from urllib.parse import urlencode

from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from . import two_factor


def redirect_to_step(request, step, next_url=None):
    url = reverse(step)
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        url = f"{url}?{urlencode({'next': next_url})}"
    return HttpResponseRedirect(url)


class TwoFactorAdminSite(admin.AdminSite):
    def has_permission(self, request):
        return super().has_permission(request) and two_factor.pending_step(request) is None

    def admin_view(self, view, cacheable=False):
        # Staff who still owe a code go to that step, not back to the login form.
        protected = super().admin_view(view, cacheable)

        def inner(request, *args, **kwargs):
            step = two_factor.pending_step(request)
            if step:
                return redirect_to_step(request, step, request.get_full_path())
            return protected(request, *args, **kwargs)

        return update_wrapper(inner, protected)

    def login(self, request, extra_context=None):
        step = two_factor.pending_step(request)
        if request.method == "GET" and step:
            return redirect_to_step(request, step, request.GET.get("next"))
        response = super().login(request, extra_context)
        # After the password the user is logged in but not yet verified.
        step = two_factor.pending_step(request)
        if request.method == "POST" and step and response.status_code == 302:
            return redirect_to_step(request, step, response.url)
        return response

    def each_context(self, request):
        context = super().each_context(request)
        context["two_factor_url"] = reverse(two_factor.ENROL)
        return context

    def index(self, request, extra_context=None):
        if not two_factor.is_enrolled(request.user):
            messages.warning(
                request,
                format_html(
                    '{} <a href="{}">{}</a>',
                    _("Two-factor login is not set up for your account."),
                    reverse(two_factor.ENROL),
                    _("Set it up now."),
                ),
            )
        return super().index(request, extra_context)
