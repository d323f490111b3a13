from django.core.management.base import BaseCommand, CommandError

from backup.dumps import BackupError, restore_database


class Command(BaseCommand):
    help = (
        "Load a backup made by backup_database into an EMPTY database (refused if it "
        "has any table). An encrypted backup (.gpg) is decrypted with gpg: the private "
        "key must be in your keyring."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", help="the backup file")
        parser.add_argument("--database", default="default", help="database alias")

    def handle(self, *args, file, database="default", **options):
        try:
            restore_database(file, using=database)
        except (BackupError, OSError) as error:
            raise CommandError(str(error)) from None
        self.stderr.write(self.style.SUCCESS(f"Restored {file}."))
