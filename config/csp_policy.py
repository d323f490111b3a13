"""Content-Security-Policy on every response: the site's, or under /admin/ the admin's.

The public site runs no script at all; the Django admin needs its own static JavaScript
(autocomplete, "add another", collapsible fieldsets), so its pages get a second policy
that allows scripts from this site only. Both are in settings (CONTENT_SECURITY_POLICY and
CONTENT_SECURITY_POLICY_ADMIN); a view's own csp decorators still win.
"""

from csp.middleware import CSPMiddleware
from csp.utils import default_config
from django.conf import settings
from django.urls import reverse


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and parts.config is None and is_admin(request):
            parts.config = default_config(settings.CONTENT_SECURITY_POLICY_ADMIN["DIRECTIVES"])
        return parts


def is_admin(request):
    return request.path.startswith(reverse("admin:index"))
