from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Staff login")
    default = True


class TwoFactorAdminConfig(admin_apps.AdminConfig):
    # Listed in INSTALLED_APPS instead of django.contrib.admin: every admin.register()
    # in the project lands on the site that asks for the second factor.
    default = False
    default_site = "accounts.admin_site.TwoFactorAdminSite"
