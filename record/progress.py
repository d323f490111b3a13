"""Progress of a long import or export on a terminal: statements done, rate, time left."""

import time

from django.utils.translation import gettext as _


class Progress:
    """Writes one updating line to ``stream`` when it is a terminal, else nothing.

    ``total`` is the number of statements the work goes through (0 if unknown).
    """

    INTERVAL = 0.5  # seconds between redraws

    def __init__(self, stream, total=0, label=""):
        self.stream = stream
        self.enabled = bool(getattr(stream, "isatty", lambda: False)())
        self.total = total
        self.label = label
        self.done = 0
        self.started = self.shown = time.monotonic()

    def start(self, label, total):
        """Begin a new stage of ``total`` statements."""
        self.finish()
        self.label, self.total, self.done = label, total, 0
        self.started = self.shown = time.monotonic()

    def note(self, message):
        """A line worth saying on any standard error, terminal or not."""
        if self.stream is not None:
            self.stream.write(message + "\n")
            self.stream.flush()

    def advance(self, count):
        self.done += count
        now = time.monotonic()
        if self.enabled and now - self.shown >= self.INTERVAL:
            self.shown = now
            self._draw(now)

    def _draw(self, now):
        elapsed = max(now - self.started, 1e-9)
        rate = self.done / elapsed
        line = _("%(label)s: %(done)s statements, %(rate)s/s") % {
            "label": self.label,
            "done": f"{self.done:,}",
            "rate": f"{rate:,.0f}",
        }
        if self.total and rate > 0:
            left = max(self.total - self.done, 0) / rate
            line += ", " + _("%(done)d%% done, about %(left)s left") % {
                "done": min(100, 100 * self.done // self.total),
                "left": _duration(left),
            }
        self.stream.write("\r\033[K" + line)
        self.stream.flush()

    def finish(self):
        if self.enabled and self.done:
            self._draw(time.monotonic())
            self.stream.write("\n")
            self.stream.flush()
        self.done = 0


def _duration(seconds):
    seconds = int(seconds)
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"
