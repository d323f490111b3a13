"""The client's address, for django-axes (AXES_CLIENT_IP_CALLABLE)."""

import ipaddress

from django.conf import settings


def client_address(request):
    """REMOTE_ADDR, or behind a trusted proxy the address that proxy appended.

    Any client can send an X-Forwarded-For header; only its last entry, added by our own
    proxy, is the address the proxy saw. Without TRUST_X_FORWARDED_FOR the header is
    ignored, so a client cannot dodge a lockout by inventing addresses.
    """
    if settings.TRUST_X_FORWARDED_FOR:
        hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        candidate = hops[-1].strip()
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            pass
    return request.META.get("REMOTE_ADDR")
