import io
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from debates.models import Debate
from record.exporter import export_record
from record.models import ExportRecord
from record.progress import Progress


class Command(BaseCommand):
    help = (
        "Export debates in the debate record format (debate-record/1): everything, or "
        "the chosen debates with what they reference. Written to FILE, or to standard "
        "output without one. The file holds the names of participants the public may "
        "not see (role or anonymous attribution): it is for staff only."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="where to write; standard output if absent")
        parser.add_argument(
            "--debate",
            action="append",
            dest="debates",
            metavar="SLUG",
            help="export only this debate (repeatable), with its programme, topic, "
            "participants, and the reports based only on chosen debates",
        )

    def handle(self, *args, file=None, debates=None, **options):
        if debates:
            found = set(Debate.objects.filter(slug__in=debates).values_list("slug", flat=True))
            missing = [slug for slug in debates if slug not in found]
            if missing:
                raise CommandError(
                    _("No debate %(slugs)s; nothing exported.")
                    % {"slugs": ", ".join(f"'{slug}'" for slug in missing)}
                )
        try:
            if file is None:
                summary = self._export_to_stdout(debates)
            else:
                with open(file, "w", encoding="utf-8", newline="\n") as out:
                    summary = export_record(out, debates, progress=Progress(sys.stderr))
        except OSError as error:
            raise CommandError(f"{file}: {error.strerror}") from None
        # Recorded once written: "command line (<OS user>)", what it held and where.
        ExportRecord.record(
            None,
            debates,
            summary.counts.get("debates", 0),
            summary.withheld,
            destination=file or "standard output",
        )
        counts = ", ".join(f"{count} {kind}" for kind, count in summary.counts.items())
        self.stderr.write(_("Exported %(counts)s.") % {"counts": counts})
        if summary.withheld:
            self.stderr.write(
                self.style.WARNING(
                    ngettext(
                        "Warning: the file holds the name of %(count)d participant whose "
                        "name is withheld from the public (role or anonymous attribution). "
                        "It is for staff only: do not publish it.",
                        "Warning: the file holds the names of %(count)d participants whose "
                        "names are withheld from the public (role or anonymous attribution). "
                        "It is for staff only: do not publish it.",
                        summary.withheld,
                    )
                    % {"count": summary.withheld}
                )
            )

    def _export_to_stdout(self, debates):
        # Not self.stdout: it would end every chunk with a newline. UTF-8 whatever the locale.
        sys.stdout.flush()
        if not hasattr(sys.stdout, "buffer"):
            return export_record(sys.stdout, debates, progress=Progress(sys.stderr))
        out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="\n")
        try:
            return export_record(out, debates, progress=Progress(sys.stderr))
        finally:
            out.flush()
            out.detach()
