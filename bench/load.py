#!/usr/bin/env python
"""How the public site holds up under load: gunicorn with production settings, on loopback.

Starts gunicorn (config/gunicorn.py, DEBUG off, a fresh SECRET_KEY, plain HTTP on a free
127.0.0.1 port) against a database with the demo debates: by default a temporary SQLite
file, migrated and loaded with the demo file; with DATABASE_URL set, that database as it
is (--load-demo migrates it and imports the demo file into it first). The pages to fetch
are found in the sitemap and on the pages themselves. Then CLIENTS threads, each with its
own connection, fetch the public pages and a hello-world view (bench/urls.py, served by
the same gunicorn) in turn for SECONDS, after a short unmeasured warm-up.

Prints requests per second, latency percentiles, errors (a status other than 2xx, or a
failed connection), and for each page its median time in a worker (from gunicorn's access
log) divided by the hello-world view's: what the page costs beyond the framework. Client
latencies include the wait for a free worker, which is alike for every page, so their
ratio says little once the workers are saturated. Exits 1 if there was any error or a page
was never served. gunicorn is stopped on exit, on Ctrl-C and on errors.

The load generator runs on the same machine: it takes a share of the same cores.

    .venv/bin/python bench/load.py                      # 64 clients, 30 s, SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dr_load \\
        .venv/bin/python bench/load.py --load-demo --clients 64 --seconds 30
"""

import argparse
import http.client
import json
import math
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import xml.etree.ElementTree as ET
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.middleware import HEADER as CPU_HEADER

PROJECT = Path(__file__).resolve().parent.parent
DEMO_FILE = "demo/afghans-reject-russian-alliance.json"
HELLO = "hello"
HELLO_PATH = "/_bench/hello"
# The header that names the page in gunicorn's access log, so worker times can be matched
# to pages without logging query strings; warm-up requests do not send it.
PAGE_HEADER = "X-Bench-Page"
# Each line: the page's name, the status, microseconds in the worker and of its CPU time
# (bench/middleware.py's header).
ACCESS_LOG_FORMAT = f"%({{{PAGE_HEADER.lower()}}}i)s %(s)s %(D)s %({{{CPU_HEADER.lower()}}}o)s"
MAX_CLIENTS = 512
MAX_SECONDS = 600
SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
# Detail pages found in the sitemap: the name printed, and the first part of the path.
DETAIL_PAGES = {
    "debate": "debates",
    "topic": "topics",
    "province": "provinces",
    "speaker": "speakers",
    "report": "reports",
}


class BenchError(Exception):
    """Something that stops the benchmark, said in one line."""


# --- Which pages to fetch -------------------------------------------------------------------


def discover_pages(fetch):
    """The public pages to load, {name: path}, found on the site itself.

    ``fetch(path)`` returns ``(status, body_bytes)``. Detail pages are the first of each
    kind in the sitemap; the filtered list filters by that province; the search is for the
    longest word in the debate's heading, so it finds at least that debate.
    """
    status, body = fetch("/sitemap.xml")
    if status != 200:
        raise BenchError(f"/sitemap.xml answered {status}")
    locations = []
    root = ET.fromstring(body)
    if root.tag == f"{SITEMAP_NS}sitemapindex":
        # An index: the first file of each section lists its first pages.
        for loc in root.iter(f"{SITEMAP_NS}loc"):
            section = urlsplit(loc.text.strip())
            if section.query:
                continue
            status, body = fetch(section.path)
            if status != 200:
                raise BenchError(f"{section.path} answered {status}")
            locations += [loc.text for loc in ET.fromstring(body).iter(f"{SITEMAP_NS}loc")]
    else:
        locations = [loc.text for loc in root.iter(f"{SITEMAP_NS}loc")]
    found = {}
    for location in locations:
        parts = urlsplit(location.strip()).path.strip("/").split("/")
        for name, prefix in DETAIL_PAGES.items():
            if len(parts) == 2 and parts[0] == prefix and name not in found:
                found[name] = f"/{prefix}/{parts[1]}/"
    missing = [name for name in DETAIL_PAGES if name not in found]
    if missing:
        raise BenchError(
            f"the sitemap lists no {', '.join(missing)}: load the demo debates "
            f"(--load-demo, or `make demo` with the same DATABASE_URL)"
        )
    status, body = fetch(found["debate"])
    if status != 200:
        raise BenchError(f"{found['debate']} answered {status}")
    province = found["province"].strip("/").split("/")[1]
    return {
        "home": "/",
        "debates": "/debates/",
        "debates filtered": "/debates/?" + urlencode({"province": province}),
        **found,
        "search": "/search/?" + urlencode({"q": search_word(body.decode())}),
        "debates feed": "/feeds/debates/",
        "reports feed": "/feeds/reports/",
        "sitemap": "/sitemap.xml",
    }


def search_word(page):
    """The longest word of a page's first heading (a word a search of it will find)."""
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S)
    if not heading:
        raise BenchError("the debate page has no <h1> to take a search word from")
    words = re.findall(r"\w{3,}", re.sub(r"<[^>]+>", " ", heading.group(1)))
    if not words:
        raise BenchError("the debate page's <h1> has no word to search for")
    return max(words, key=len)


# --- Figures --------------------------------------------------------------------------------


def percentile(values, p):
    """The p-th percentile (0-100) of values, interpolating between the nearest ranks."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass
class Sample:
    page: str
    seconds: float
    error: str | None = None  # None for a 2xx answer


@dataclass
class PageFigures:
    requests: int = 0
    errors: int = 0
    p50: float | None = None
    p95: float | None = None
    p99: float | None = None
    worker_p50: float | None = None
    ratio: float | None = None  # worker median over the hello-world view's
    cpu_p50: float | None = None
    cpu_ratio: float | None = None  # CPU median over the hello-world view's


@dataclass
class Summary:
    seconds: float
    requests: int
    errors: int
    p50: float | None
    p95: float | None
    p99: float | None
    pages: dict = field(default_factory=dict)
    error_examples: list = field(default_factory=list)

    @property
    def per_second(self):
        return self.requests / self.seconds if self.seconds else 0.0


def ratio(value, baseline):
    return value / baseline if value and baseline else None


def summarize(samples, worker, seconds, pages):
    """Figures for a run: samples from the clients, WorkerTimes from the access log."""
    by_page = defaultdict(list)
    for sample in samples:
        by_page[sample.page].append(sample)
    ok = [s.seconds for s in samples if s.error is None]
    summary = Summary(
        seconds=seconds,
        requests=len(samples),
        errors=sum(s.error is not None for s in samples),
        p50=percentile(ok, 50),
        p95=percentile(ok, 95),
        p99=percentile(ok, 99),
        error_examples=sorted({f"{s.page}: {s.error}" for s in samples if s.error})[:10],
    )
    hello_wall = percentile(worker.wall.get(HELLO, []), 50)
    hello_cpu = percentile(worker.cpu.get(HELLO, []), 50)
    for page in [HELLO, *pages]:
        page_samples = by_page.get(page, [])
        times = [s.seconds for s in page_samples if s.error is None]
        worker_p50 = percentile(worker.wall.get(page, []), 50)
        cpu_p50 = percentile(worker.cpu.get(page, []), 50)
        summary.pages[page] = PageFigures(
            requests=len(page_samples),
            errors=sum(s.error is not None for s in page_samples),
            p50=percentile(times, 50),
            p95=percentile(times, 95),
            p99=percentile(times, 99),
            worker_p50=worker_p50,
            ratio=ratio(worker_p50, hello_wall),
            cpu_p50=cpu_p50,
            cpu_ratio=ratio(cpu_p50, hello_cpu),
        )
    return summary


@dataclass
class WorkerTimes:
    wall: dict = field(default_factory=lambda: defaultdict(list))  # {page: [seconds]}
    cpu: dict = field(default_factory=lambda: defaultdict(list))


def parse_access_log(lines):
    """WorkerTimes of the measured 2xx answers, from lines in ACCESS_LOG_FORMAT."""
    times = WorkerTimes()
    for line in lines:
        parts = line.rstrip("\n").rsplit(" ", 3)
        if len(parts) != 4 or parts[0] == "-" or not parts[1].startswith("2"):
            continue
        page, _, wall, cpu = parts
        if wall.isdigit():
            times.wall[page].append(int(wall) / 1e6)
        if cpu.isdigit():
            times.cpu[page].append(int(cpu) / 1e6)
    return times


def milliseconds(value):
    return "-" if value is None else f"{value * 1000:.1f}"


def multiple(value):
    return "-" if value is None else f"{value:.1f}"


def report(summary, notes):
    """The figures as text, one line per page."""
    lines = [
        f"{summary.requests} requests in {summary.seconds:.1f} s: "
        f"{summary.per_second:.1f} requests/s, {summary.errors} errors",
        f"latency (ms, at the client): p50 {milliseconds(summary.p50)}, "
        f"p95 {milliseconds(summary.p95)}, p99 {milliseconds(summary.p99)}",
        "",
        f"{'':<18} {'':>8} {'':>6} {'at the client':^26} {'in the worker':^17} {'its CPU':^16}",
        f"{'page':<18} {'requests':>8} {'errors':>6} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'p99 ms':>8} {'p50 ms':>8} {'x hello':>8} {'p50 ms':>7} {'x hello':>8}",
    ]
    for page, figures in summary.pages.items():
        lines.append(
            f"{page:<18} {figures.requests:>8} {figures.errors:>6} "
            f"{milliseconds(figures.p50):>8} {milliseconds(figures.p95):>8} "
            f"{milliseconds(figures.p99):>8} {milliseconds(figures.worker_p50):>8} "
            f"{multiple(figures.ratio):>8} {milliseconds(figures.cpu_p50):>7} "
            f"{multiple(figures.cpu_ratio):>8}"
        )
    if summary.error_examples:
        lines += ["", "errors, for example:", *(f"  {e}" for e in summary.error_examples)]
    lines += ["", *notes]
    return "\n".join(line.rstrip() for line in lines)


# --- The load -------------------------------------------------------------------------------


class Client:
    """One connection, kept alive when the server allows it, reopened after a failure.

    ``headers`` go with every request (bench/scale.py sends the admin's session cookie).
    """

    def __init__(self, port, timeout, headers=None):
        self.port = port
        self.timeout = timeout
        self.headers = headers or {}
        self.connection = None

    def get(self, path, page=None):
        """(status, body); raises OSError or http.client.HTTPException on failure."""
        status, _, body = self.request("GET", path, page=page)
        return status, body

    def request(self, method, path, body=None, headers=None, page=None):
        """(status, response headers as a list of pairs, body)."""
        if self.connection is None:
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, self.timeout)
        sent = {"Host": "127.0.0.1", "Accept-Encoding": "identity", **self.headers}
        sent.update(headers or {})
        if page:
            sent[PAGE_HEADER] = page
        try:
            self.connection.request(method, path, body=body, headers=sent)
            response = self.connection.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException):
            self.close()
            raise
        if response.will_close:
            self.close()
        return response.status, response.getheaders(), content

    def close(self):
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def drive(port, pages, clients, seconds, timeout, record=True, stop=None):
    """CLIENTS threads fetching pages in turn until SECONDS pass: (samples, elapsed)."""
    stop = stop or threading.Event()
    targets = [(HELLO, HELLO_PATH), *pages.items()]
    results = [[] for _ in range(clients)]
    started = time.monotonic()
    deadline = started + seconds

    def run(index):
        client = Client(port, timeout)
        samples = results[index]
        turn = index  # each client starts at a different page
        try:
            while not stop.is_set() and time.monotonic() < deadline:
                page, path = targets[turn % len(targets)]
                turn += 1
                began = time.perf_counter()
                try:
                    status, _ = client.get(path, page if record else None)
                    error = None if 200 <= status < 300 else f"HTTP {status} for {path}"
                except (OSError, http.client.HTTPException) as exc:
                    error = f"{type(exc).__name__}: {exc} for {path}"
                samples.append(Sample(page, time.perf_counter() - began, error))
        finally:
            client.close()

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        # A bounded join, so Ctrl-C reaches the main thread while clients run.
        while thread.is_alive():
            thread.join(0.2)
    elapsed = time.monotonic() - started
    return [sample for client_samples in results for sample in client_samples], elapsed


# --- The server -----------------------------------------------------------------------------


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_environment(database_url, port, static_root, workers):
    """Production settings for loopback HTTP: DEBUG off, a fresh key, this host only."""
    env = {
        key: value
        for key, value in os.environ.items()
        # PYTEST_VERSION switches settings to test mode (when a test runs the benchmark).
        if key not in {"DEBUG", "PYTEST_VERSION", "DJANGO_SETTINGS_MODULE", "MAKEFLAGS"}
        and not key.startswith(("SECURE_", "TRUST_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        # Plain HTTP on loopback: no redirect to HTTPS.
        SECURE_SSL_REDIRECT="0",
        DATABASE_URL=database_url,
        STATIC_ROOT=str(static_root),
        ADDR=f"127.0.0.1:{port}",
    )
    if workers:
        env["WEB_CONCURRENCY"] = str(workers)
    return env


def manage(env, *args):
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode:
        raise BenchError(f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")


class Gunicorn:
    """gunicorn in a process group of its own, so that stopping it stops every worker."""

    def __init__(self, env, workdir):
        self.port = int(env["ADDR"].rsplit(":", 1)[1])
        self.access_log = workdir / "access.log"
        self.error_log = workdir / "gunicorn.log"
        # The production configuration (ADDR and WEB_CONCURRENCY from env), logs aside.
        command = [
            str(Path(sys.executable).with_name("gunicorn")),
            "--config",
            "config/gunicorn.py",
            # Only for matching worker times to pages: the page's name, status, microseconds.
            "--access-logfile",
            str(self.access_log),
            "--access-logformat",
            ACCESS_LOG_FORMAT,
            "--error-logfile",
            str(self.error_log),
            "config.wsgi",
        ]
        self.process = subprocess.Popen(
            command,
            cwd=PROJECT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )

    def log(self):
        return self.error_log.read_text() if self.error_log.exists() else ""

    def wait_until_up(self, timeout=60):
        client = Client(self.port, timeout=5)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"gunicorn exited with {self.process.returncode}:\n{self.log()}")
            try:
                status, _ = client.get(HELLO_PATH)
            except OSError:
                time.sleep(0.2)
                continue
            if status != 200:
                raise BenchError(f"{HELLO_PATH} answered {status}:\n{self.log()}")
            client.close()
            return
        raise BenchError(f"gunicorn did not answer within {timeout} s:\n{self.log()}")

    def workers(self):
        # The master's children, from /proc (Linux); None elsewhere.
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return len(children.read_text().split())
        except OSError:
            return None

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def worker_times(self):
        if not self.access_log.exists():
            return WorkerTimes()
        with self.access_log.open() as lines:
            return parse_access_log(lines)


def bounded(low, high):
    def parse(text):
        value = int(text)
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be from {low} to {high}")
        return value

    return parse


def arguments(argv):
    parser = argparse.ArgumentParser(
        description="Load the public pages of the site under gunicorn on loopback."
    )
    parser.add_argument("--clients", type=bounded(1, MAX_CLIENTS), default=64)
    parser.add_argument("--seconds", type=bounded(1, MAX_SECONDS), default=30)
    parser.add_argument(
        "--warmup", type=bounded(0, 60), default=3, help="unmeasured seconds first (3)"
    )
    parser.add_argument(
        "--workers",
        type=bounded(1, 64),
        help="gunicorn workers (default WEB_CONCURRENCY, else twice the cores plus one)",
    )
    parser.add_argument(
        "--load-demo",
        action="store_true",
        help="with DATABASE_URL: migrate it and import the demo file into it first",
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    return parser.parse_args(argv)


def run(args, workdir):
    database_url = os.environ.get("DATABASE_URL")
    fresh = not database_url
    if fresh:
        database_url = f"sqlite:///{workdir / 'db.sqlite3'}"
    env = server_environment(database_url, free_port(), workdir / "static", args.workers)
    database = urlsplit(database_url).scheme
    print(f"preparing the database ({database}) and static files", file=sys.stderr)
    if fresh or args.load_demo:
        manage(env, "migrate", "--no-input")
        manage(env, "import_debates", DEMO_FILE)
    manage(env, "collectstatic", "--no-input")

    server = Gunicorn(env, workdir)
    try:
        server.wait_until_up()
        workers = server.workers()
        probe = Client(server.port, timeout=30)
        pages = discover_pages(probe.get)
        probe.close()
        print(
            f"{len(pages)} pages and the hello-world view; warming up for {args.warmup} s, "
            f"then {args.clients} clients for {args.seconds} s",
            file=sys.stderr,
        )
        if args.warmup:
            drive(server.port, pages, args.clients, args.warmup, timeout=30, record=False)
        load_before = os.getloadavg()
        cpu_before = time.process_time()
        samples, elapsed = drive(server.port, pages, args.clients, args.seconds, timeout=30)
        cpu = time.process_time() - cpu_before
        load_after = os.getloadavg()
    finally:
        server.stop()
    summary = summarize(samples, server.worker_times(), elapsed, pages)
    notes = [
        f"gunicorn with production settings, {workers or '?'} workers, on 127.0.0.1; "
        f"database: {'a temporary SQLite file' if fresh else database}; "
        f"{args.clients} clients, {args.seconds} s",
        f"machine: {os.cpu_count()} cores, shared with the load generator, which used "
        f"{cpu:.1f} s of CPU ({100 * cpu / elapsed:.0f}% of one core); load average "
        f"{load_before[0]:.1f} before, {load_after[0]:.1f} after",
        "at the client: includes the wait for a free worker, alike for every page; in the "
        "worker: from gunicorn's access log; x hello: the page's median over the "
        "hello-world view's",
    ]
    return summary, pages, notes


def main(argv=None):
    args = arguments(argv)

    def terminated(signum, frame):
        raise KeyboardInterrupt

    # A plain kill stops gunicorn too, as Ctrl-C does: the finally clauses run.
    signal.signal(signal.SIGTERM, terminated)
    workdir = Path(tempfile.mkdtemp(prefix="debate-record-load-"))
    try:
        summary, pages, notes = run(args, workdir)
    except BenchError as exc:
        print(f"load: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("load: interrupted; gunicorn stopped", file=sys.stderr)
        return 130
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    print(report(summary, notes))
    unserved = [page for page, figures in summary.pages.items() if figures.p50 is None]
    if args.json:
        figures = {
            "requests": summary.requests,
            "seconds": summary.seconds,
            "requests_per_second": summary.per_second,
            "errors": summary.errors,
            "error_examples": summary.error_examples,
            "p50": summary.p50,
            "p95": summary.p95,
            "p99": summary.p99,
            "paths": pages,
            "pages": {page: vars(figures) for page, figures in summary.pages.items()},
            "notes": notes,
        }
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    if unserved:
        print(f"load: never served: {', '.join(unserved)}", file=sys.stderr)
    return 1 if summary.errors or unserved else 0


if __name__ == "__main__":
    sys.exit(main())
