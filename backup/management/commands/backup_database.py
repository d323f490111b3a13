from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from backup.dumps import BackupError, backup_database


class Command(BaseCommand):
    help = (
        "Write a timestamped backup of the whole database into BACKUP_DIR: pg_dump's "
        "custom format on PostgreSQL, a copy made with SQLite's backup API on SQLite. "
        "It holds every withheld name: with BACKUP_GPG_RECIPIENT set it is encrypted to "
        "that gpg key and no clear copy is kept. Prints the file's path."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--dir", dest="directory", help="where to write (default: BACKUP_DIR)")
        parser.add_argument(
            "--recipient",
            help="the gpg key to encrypt to (default: BACKUP_GPG_RECIPIENT)",
        )
        parser.add_argument("--database", default="default", help="database alias")

    def handle(self, *args, directory=None, recipient=None, database="default", **options):
        recipient = settings.BACKUP_GPG_RECIPIENT if recipient is None else recipient
        try:
            path = backup_database(directory or settings.BACKUP_DIR, recipient, using=database)
        except (BackupError, OSError) as error:
            raise CommandError(str(error)) from None
        size = path.stat().st_size
        if recipient:
            self.stderr.write(f"Backup written ({size:,} bytes), encrypted to {recipient}.")
        else:
            self.stderr.write(
                self.style.WARNING(
                    f"Backup written ({size:,} bytes), not encrypted: it holds every "
                    "withheld name. Keep it as safe as the database, or set "
                    "BACKUP_GPG_RECIPIENT."
                )
            )
        self.stdout.write(str(path))
