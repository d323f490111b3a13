"""Production settings plus one thing: bench/urls.py, which adds the hello-world view that
bench/load.py compares every page with. Never used by `make serve`."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
