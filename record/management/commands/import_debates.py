import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import ngettext

from record import RecordError
from record.importer import import_record
from record.parse import too_large_message
from record.progress import Progress


class Command(BaseCommand):
    help = (
        "Import a debate record file (format debate-record/1): programmes, topics, "
        "participants, debates with their statements, and reports. Records are matched "
        "by slug, so importing the same file twice changes nothing the second time. "
        "All or nothing: on any error nothing is written and every error is listed "
        "with its place in the file. Files larger than IMPORT_MAX_BYTES are refused; "
        "while another import runs, this one waits for it. A file that reveals more of a "
        "participant (anonymous to role to named) is refused unless run with "
        "--allow-reveal and --reason."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the JSON file to import, or - for standard input")
        parser.add_argument(
            "--allow-reveal",
            action="store_true",
            help=(
                "allow the file to lower participants' protection (anonymous to role to "
                "named); needs --reason, and consent in the file for each one it names"
            ),
        )
        parser.add_argument(
            "--reason",
            default="",
            help="why the file is imported; recorded in the history of every change it makes",
        )

    def handle(self, *args, file, allow_reveal=False, reason="", **options):
        reason = reason.strip()
        if allow_reveal and not reason:
            raise CommandError("--allow-reveal needs --reason: say why, it is recorded.")
        if allow_reveal:
            # The history says the flag was given, and why.
            reason = f"import_debates --allow-reveal: {reason}"
        max_bytes = settings.IMPORT_MAX_BYTES
        if file == "-":
            data, name = sys.stdin.buffer, "standard input"
        else:
            data = Path(file)
            name = data.name
            try:
                size = data.stat().st_size
                data.open("rb").close()
            except OSError as error:
                raise CommandError(f"{file}: {error.strerror}") from None
            if size > max_bytes:
                raise CommandError(f"{file}: {too_large_message(max_bytes)}")
        # On a terminal, a long import shows how far it is; piped or logged, nothing.
        progress = Progress(sys.stderr)
        try:
            summary = import_record(
                data,
                name=name,
                progress=progress,
                max_bytes=max_bytes,
                allow_reveal=allow_reveal,
                reason=reason,
            )
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
