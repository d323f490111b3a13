"""The admin index's "Waiting for review" box, for those who may publish."""

from dataclasses import dataclass

from django import template
from django.urls import reverse
from django.utils.http import urlencode

from debates.models import Debate, Status
from reports.models import Report

register = template.Library()


@dataclass
class Waiting:
    label: str
    count: int
    url: str


@register.simple_tag(takes_context=True)
def waiting_for_review(context):
    """Debates and reports in review, each kind only for those who may publish it."""
    user = context["request"].user
    waiting = []
    for model in (Debate, Report):
        if not model.may_publish(user):
            continue
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        waiting.append(
            Waiting(
                label=opts.verbose_name_plural.capitalize(),
                count=model.objects.in_review().count(),
                url=f"{url}?{urlencode({'status__exact': Status.REVIEW})}",
            )
        )
    return waiting
