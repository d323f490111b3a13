"""Production settings plus what bench/load.py needs: bench/urls.py, which adds the
hello-world view every page is compared with, and a middleware that reports each
request's CPU time. Never used by `make serve`."""

from config.settings import *  # noqa: F403
from config.settings import MIDDLEWARE

ROOT_URLCONF = "bench.urls"
# Outermost, so the time covers every other middleware as well as the view.
MIDDLEWARE = ["bench.middleware.cpu_time", *MIDDLEWARE]
