import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()

# Read the key now, so that a site without one fails at start rather than at the first
# login: Django raises ImproperlyConfigured when an empty SECRET_KEY is read.
settings.SECRET_KEY  # noqa: B018
