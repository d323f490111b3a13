"""What one instance keeps, another cannot see: nothing the public sees is cached in a process.

A participant made anonymous, a statement withheld or a debate unpublished must be gone
from every instance on the next request (README, "Scaling"). A cache in one process would
keep the old page there, so none may cache public output: this reads the code for the
ways Django and Python offer to.
"""

import re
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
APPS = ["config", "debates", "reports", "record", "accounts", "backup", "templates"]
CACHING = re.compile(
    r"cache_page|cache_control|\{%\s*cache\s|lru_cache|functools\.cache\b|@cache\b"
    r"|from django\.core\.cache import|CacheMiddleware|cached_db|sessions\.backends\.cache"
)
# The one use of Django's cache: the note of a recent change, which sends public pages to
# the primary database (it can only make them fresher).
ALLOWED = {Path("config/replica.py")}


def test_no_view_template_or_function_caches_what_the_public_sees():
    found = []
    for app in APPS:
        for path in sorted((PROJECT / app).rglob("*")):
            if path.suffix not in {".py", ".html", ".xml", ".txt"}:
                continue
            relative = path.relative_to(PROJECT)
            if relative in ALLOWED:
                continue
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if CACHING.search(line):
                    found.append(f"{relative}:{number}: {line.strip()}")
    assert found == []


def test_the_scan_finds_a_cached_view():
    assert CACHING.search("@cache_page(60 * 15)")
    assert CACHING.search("{% cache 500 sidebar %}")
    assert CACHING.search("@functools.lru_cache(maxsize=None)")
