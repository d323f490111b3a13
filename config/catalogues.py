"""Which interface languages have their words translated (read by config/settings.py).

No Django import here: settings use it before Django is set up.
"""

from pathlib import Path


def with_catalogue(languages, locale_paths, default):
    """The (code, name) pairs of ``languages`` offered: the default, and each language
    whose compiled catalogue (``<code>/LC_MESSAGES/django.mo``) is in one of
    ``locale_paths``. Until then its pages would be English text laid out right to left.
    """
    return [
        (code, name)
        for code, name in languages
        if code == default
        or any((Path(path) / code / "LC_MESSAGES" / "django.mo").is_file() for path in locale_paths)
    ]
