"""``|is_filled``: whether a folded part of a statement row in the admin holds anything."""

from django import template

register = template.Library()


@register.filter
def is_filled(fieldset):
    """True when a field of an admin fieldset has a value or an error: its <details> is
    shown open.

    Read as the form would show it (the value posted back, or stored); a field shown
    read-only is read from the statement itself.
    """
    form = fieldset.form
    for line in fieldset.fields:
        for name in (line,) if isinstance(line, str) else line:
            if name in form.errors:
                return True
            if name in form.fields:
                value = form[name].value()
            else:
                value = getattr(form.instance, name, None)
            if value not in (None, "", False):
                return True
    return False
