"""The interface language of each request (README, "Languages").

Public pages and feeds carry theirs in the URL (English at /, Dari at /fa/, Pashto at
/ps/; config/urls.py), so a page never changes language by itself. The admin has no
prefix: it speaks the language the staff member's browser asks for (or the
``django_language`` cookie), among the offered ones that Django's admin also speaks:
in Django's own catalogues (Dari), or in locale-django/ for those Django lacks (Pashto).
"""

import gettext
from pathlib import Path

import django.contrib.admin
from django.conf import settings
from django.middleware import locale
from django.utils import translation

from config.csp_policy import is_admin

ADMIN_LOCALE = Path(django.contrib.admin.__file__).parent / "locale"


class LocaleMiddleware(locale.LocaleMiddleware):
    def process_request(self, request):
        if not is_admin(request):
            # Outside the admin, Django's: the URL's prefix, else English.
            return super().process_request(request)
        language = translation.get_language_from_request(request)
        if language not in admin_languages():
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


def admin_languages():
    """Offered languages Django's admin has words for. Without them its buttons and
    messages would be English laid out right to left, so such a browser gets English."""
    return [
        code
        for code, _name in settings.LANGUAGES
        if code == settings.LANGUAGE_CODE
        or any(
            gettext.find("django", path, [translation.to_locale(code)])
            for path in (ADMIN_LOCALE, Path(settings.BASE_DIR) / "locale-django")
        )
    ]
