import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import ngettext

from record import RecordError
from record.importer import import_record


class Command(BaseCommand):
    help = (
        "Import a debate record file (format debate-record/1): programmes, topics, "
        "participants, debates with their statements, and reports. Records are matched "
        "by slug, so importing the same file twice changes nothing the second time. "
        "All or nothing: on any error nothing is written and every error is listed "
        "with its place in the file."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the JSON file to import, or - for standard input")

    def handle(self, *args, file, **options):
        try:
            if file == "-":
                text = sys.stdin.buffer.read()
            else:
                with open(file, "rb") as handle:
                    text = handle.read()
        except OSError as error:
            raise CommandError(f"{file}: {error.strerror}") from None
        try:
            summary = import_record(text)
        except RecordError as error:
            for message in error.errors:
                self.stderr.write(message)
            count = len(error.errors)
            raise CommandError(
                ngettext(
                    "%(file)s: %(count)d error; nothing was imported.",
                    "%(file)s: %(count)d errors; nothing was imported.",
                    count,
                )
                % {"file": file, "count": count}
            ) from None
        for line in summary.lines():
            self.stdout.write(line)
