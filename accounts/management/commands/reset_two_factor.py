from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts import two_factor


class Command(BaseCommand):
    help = (
        "Remove a staff member's two-factor devices (authenticator app and backup codes), "
        "e.g. after a lost phone. They set up two-factor login again at their next login."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        User = get_user_model()
        try:
            user = User.objects.get_by_natural_key(username)
        except User.DoesNotExist:
            raise CommandError(f"No user {username!r}.") from None
        removed = two_factor.reset(user)
        self.stdout.write(
            f"Removed {removed} two-factor device(s) of {username}; "
            "they set up two-factor login again at their next login."
        )
