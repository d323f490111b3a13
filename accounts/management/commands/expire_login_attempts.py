from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone


class Command(BaseCommand):
    help = (
        "Delete failed-login records (with their addresses) older than the lockout time. "
        "django-axes does this at each login attempt; run this daily so none are kept "
        "when nobody logs in."
    )

    def handle(self, *args, **options):
        threshold = timezone.now() - settings.AXES_COOLOFF_TIME
        attempts, _ = AccessAttempt.objects.filter(attempt_time__lte=threshold).delete()
        # Both logs are switched off in settings; clear anything an older setup wrote.
        logs, _ = AccessLog.objects.all().delete()
        failures, _ = AccessFailureLog.objects.all().delete()
        self.stdout.write(f"Deleted {attempts + logs + failures} login record(s).")
