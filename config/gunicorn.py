"""gunicorn's settings: `gunicorn -c config/gunicorn.py config.wsgi` (make serve, bench/load.py).

Read from the environment: ADDR (host:port to listen on, 127.0.0.1:8000 unless set: a TLS
proxy in front forwards to it) and WEB_CONCURRENCY (worker processes, twice the cores plus
one unless set).
"""

import os
import re

from gunicorn import glogging

bind = [os.environ.get("ADDR", "127.0.0.1:8000")]
workers = int(os.environ.get("WEB_CONCURRENCY", str(2 * (os.cpu_count() or 1) + 1)))
# An admin upload is imported within its request: a 50 MB file may take a minute or more
# (gunicorn's default of 30 s would kill the worker mid-import).
timeout = 180

# One line per request on standard output, without the client's address, user agent,
# referrer or query string: readers' addresses (and what they searched for) are not kept.
accesslog = "-"
access_log_format = '%(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'

# Whether a request came over HTTPS is Django's decision (TRUST_X_FORWARDED_PROTO in
# config/settings.py); gunicorn must not trust X-Forwarded-Proto behind its back.
secure_scheme_headers = {}

# The control socket is one fixed path per user: two servers on one machine would share it.
control_socket_disable = True


class Logger(glogging.Logger):
    """gunicorn's logger, minus the client address it puts in malformed-request warnings."""

    _ADDRESS = re.compile(r"\bip=\S+")

    def warning(self, msg, *args, **kwargs):
        super().warning(self._ADDRESS.sub("ip=-", str(msg)), *args, **kwargs)


logger_class = Logger
