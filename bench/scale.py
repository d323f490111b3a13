#!/usr/bin/env python
"""How the site holds up with N statements: import speed and memory, and every page's speed.

Generates a realistic file of N statements (bench/generate.py; --seed), imports it into a
database of its own, imports it again unchanged, starts gunicorn (production settings,
bench/settings.py, --workers 2) and fetches, with one client, every public page and the
admin's heaviest pages --requests times each, in turn with a hello-world view of the same
gunicorn. Prints a Markdown table: each page's median and 95th percentile, each as a
multiple of the hello-world view's, and whether it meets the targets (median < 10x,
95th percentile < 20x, 30x for searches); and the import's statements per second, time
and peak memory (the import runs in a child process, so its peak RSS is its own).

The database: never the one DATABASE_URL names. On PostgreSQL (DATABASE_URL
postgres://...) a database on the same server, by default DATABASE_URL's name plus
"_scale" (--database; the name must contain "scale"), dropped and created afresh, and
dropped at the end unless --keep. Otherwise a temporary SQLite file. --keep with --workdir
keeps the database and the generated file; --pages-only then measures them again without
generating and importing.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/debate_record \\
        .venv/bin/python bench/scale.py --statements 100000      # or: make scale
"""

import argparse
import datetime
import http.client
import json
import os
import platform
import re
import resource
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from contextlib import closing
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import load
from bench.generate import PROVINCES, Manifest, province_slug, write_record

PROJECT = load.PROJECT
SITEMAP_NS = load.SITEMAP_NS
ADMIN_USER = "scale-bench"
# Targets, as multiples of the hello-world view (median, 95th percentile).
MEDIAN_TARGET = 10
P95_TARGET = 20
SEARCH_P95_TARGET = 30
IMPORT_TARGET = 10_000  # statements/s, a fresh import on PostgreSQL
REIMPORT_TARGET = 30_000  # statements/s, an unchanged re-import on PostgreSQL
MEMORY_TARGET = 500  # MB of peak RSS in the import
HELLO_REPEAT = 5  # hello-world requests per round
TIMEOUT = 120  # seconds a page may take to answer (gunicorn's own limit is 180)


# --- The database ---------------------------------------------------------------------------


def scale_database(args, workdir):
    """(the URL of the benchmark's database, its name or file, PostgreSQL or not)."""
    main_url = os.environ.get("DATABASE_URL", "")
    if not main_url.startswith(("postgres://", "postgresql://")):
        path = workdir / "scale.sqlite3"
        return f"sqlite:///{path}", str(path), False
    parts = urlsplit(main_url)
    main_name = parts.path.lstrip("/")
    name = args.database or f"{main_name}_scale"
    if name == main_name or "scale" not in name or not re.fullmatch(r"[a-z0-9_]+", name):
        raise load.BenchError(
            f"--database {name!r}: give a name of lower-case letters, digits and _ that "
            f"contains 'scale' (never DATABASE_URL's own database)"
        )
    return parts._replace(path=f"/{name}").geturl(), name, True


def postgres(url, database="postgres"):
    import psycopg2

    parts = urlsplit(url)
    connection = psycopg2.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username,
        password=parts.password,
        dbname=database,
    )
    connection.autocommit = True
    return connection


def create_database(url, name):
    with closing(postgres(url)) as connection, connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')


def drop_database(url, name):
    with closing(postgres(url)) as connection, connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def postgres_facts(url, name):
    with closing(postgres(url, name)) as connection, connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
        cursor.execute("SELECT pg_database_size(current_database())")
        size = cursor.fetchone()[0]
    return f"PostgreSQL {version}", size


# --- Importing ------------------------------------------------------------------------------


def timed_import(env, path, workdir, label):
    """Import path in a child process: {seconds, cpu, peak_rss_mb, output}.

    The child times the import itself (not Python's and Django's start) and reports its
    own peak RSS, which is the import's: nothing else ran in that process.
    """
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            f"from bench.scale import import_child; import_child({str(path)!r})",
        ],
        cwd=PROJECT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
    )
    (workdir / f"{label}.log").write_text(result.stdout + result.stderr)
    if result.returncode:
        raise load.BenchError(f"{label} failed:\n{(result.stdout + result.stderr)[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def import_child(path):
    """In the child: import the file as import_debates does, and print its figures."""
    import django

    django.setup()
    from record.importer import import_record

    started, cpu = time.perf_counter(), time.process_time()
    summary = import_record(Path(path))
    figures = {
        "seconds": time.perf_counter() - started,
        "cpu": time.process_time() - cpu,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6,
        "output": "{:,} created, {:,} updated, {:,} deleted".format(*summary.totals()),
    }
    print(json.dumps(figures))


# --- Pages ----------------------------------------------------------------------------------


def with_page(path, number):
    return f"{path}{'&' if '?' in path else '?'}page={number}"


def last_page(html):
    """The highest page number a paginated page links to or names ("Page 1 of 34")."""
    numbers = [int(n) for n in re.findall(r"[?&;]page=(\d+)", html)]
    numbers += [int(n.replace(",", "")) for n in re.findall(r"\bof ([\d,]+)</", html)]
    return max(numbers, default=1)


def local_path(url):
    parts = urlsplit(url.strip())
    return parts.path + (f"?{parts.query}" if parts.query else "")


class Site:
    """Fetches pages to find the ones to measure; remembers why some were skipped."""

    def __init__(self, client):
        self.client = client
        self.pages = {}
        self.skipped = {}

    def fetch(self, path):
        """(status, body text, final path), following one local redirect."""
        status, headers, body = self.client.request("GET", path)
        if status in (301, 302, 307, 308):
            location = {k.lower(): v for k, v in headers}.get("location", "")
            if location:
                path = local_path(location) if "://" in location else location
                status, headers, body = self.client.request("GET", path)
        return status, body.decode("utf-8", "replace"), path

    def add(self, name, path):
        """Measure path as name if it answers 200; else note why not. Returns its text."""
        if path is None:
            return None
        try:
            status, text, final = self.fetch(path)
        except TimeoutError:
            self.skipped[name] = f"{path}: no answer within {TIMEOUT} s"
            return None
        except (OSError, http.client.HTTPException) as exc:
            self.skipped[name] = f"{path}: {type(exc).__name__}: {exc}"
            return None
        if status != 200:
            self.skipped[name] = f"{path} answered {status}"
            return None
        self.pages[name] = final
        return text

    def add_last_page(self, name, path, text):
        """The last page of a paginated list whose first page is text."""
        if text is None:
            return
        last = last_page(text)
        if last <= 1:
            self.skipped[f"{name}, last page"] = f"{path} has one page only"
            return
        self.add(f"{name} (page {last})", with_page(path, last))

    def skip(self, name, reason):
        self.skipped[name] = reason


def discover(site, manifest, admin):
    """The pages to measure, from the generated data's manifest and the site itself."""
    site.add("home", "/")
    site.add_last_page("debates list", "/debates/", site.add("debates list", "/debates/"))
    for size in (500, 50):
        debate = manifest.debate_closest_to(size)
        site.add(f"debate of {debate['statements']} statements", f"/debates/{debate['slug']}/")
    site.add_last_page("topics list", "/topics/", site.add("topics list", "/topics/"))
    if manifest.topics:
        site.add("topic", f"/topics/{manifest.busiest(manifest.topics)}/")
    site.add("provinces list", "/provinces/")
    names = {code: name for code, name, _ in PROVINCES}
    province = manifest.busiest(manifest.provinces)
    site.add("province", f"/provinces/{province_slug(names[province])}/")
    speaker = manifest.busiest_named_speaker()
    if speaker:
        path = f"/speakers/{speaker}/"
        site.add_last_page("speaker", path, site.add("speaker", path))
    else:
        site.skip("speaker", "no named speaker in the data")
    for name, words in [
        ("search: a common word", manifest.common_word),
        ("search: a rare word", manifest.rare_word),
        ("search: two words", manifest.two_words),
        ("search: a Dari word", manifest.dari_word),
    ]:
        site.add(name, "/search/?" + urlencode({"q": words}))
    sitemap = site.add("sitemap.xml", "/sitemap.xml")
    if sitemap:
        add_sitemap_section(site, sitemap)
    site.add("debates feed", "/feeds/debates/")
    site.add("reports feed", "/feeds/reports/")
    site.add("reports list", "/reports/")
    if manifest.reports:
        site.add("report", f"/reports/{manifest.reports[0]}/")
    else:
        site.skip("report", "no published report in the data")
    if admin:
        site.client = admin
        site.add("admin: statements", "/admin/debates/statement/")
        site.add(
            "admin: statements search",
            "/admin/debates/statement/?" + urlencode({"q": manifest.common_word}),
        )
        debate = manifest.debate_closest_to(500)
        text = site.add("admin: debate list search", "/admin/debates/debate/?q=" + debate["slug"])
        site.pages.pop("admin: debate list search", None)
        change = re.search(r'href="(/admin/debates/debate/\d+/change/)', text or "")
        if change:
            site.add(f"admin: debate of {debate['statements']} statements", change.group(1))
        else:
            site.skip("admin: debate change page", "not found in the admin's debate list")


def add_sitemap_section(site, text):
    """The largest section of a sitemap index (one fetch of each section to size it)."""
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        site.skip("sitemap section", f"sitemap.xml is not XML: {exc}")
        return
    if root.tag != f"{SITEMAP_NS}sitemapindex":
        site.skip("sitemap section", "sitemap.xml is not a sitemap index (no sections)")
        return
    sizes = {}
    for loc in list(root.iter(f"{SITEMAP_NS}loc"))[:200]:
        path = local_path(loc.text)
        status, body, _ = site.fetch(path)
        if status == 200:
            sizes[path] = len(body.encode())
    if not sizes:
        site.skip("sitemap section", "no section of the index answered 200")
        return
    site.add("sitemap: largest section", max(sorted(sizes), key=sizes.get))


def admin_client(port, password, timeout):
    """A client logged in to the admin as the benchmark's superuser (session cookie)."""
    client = load.Client(port, timeout)
    cookies = SimpleCookie()

    def keep_cookies(headers):
        for key, value in headers:
            if key.lower() == "set-cookie":
                cookies.load(value)

    status, headers, body = client.request("GET", "/admin/login/")
    keep_cookies(headers)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if status != 200 or not token:
        raise load.BenchError(f"/admin/login/ answered {status} without a login form")
    form = urlencode(
        {
            "csrfmiddlewaretoken": token.group(1).decode(),
            "username": ADMIN_USER,
            "password": password,
            "next": "/admin/",
        }
    )
    cookie = "; ".join(f"{k}={m.value}" for k, m in cookies.items())
    status, headers, _ = client.request(
        "POST",
        "/admin/login/",
        form,
        {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
    )
    keep_cookies(headers)
    if status != 302:
        raise load.BenchError(f"logging in to the admin answered {status}, not a redirect")
    client.close()
    cookie = "; ".join(f"{k}={m.value}" for k, m in cookies.items())
    return load.Client(port, timeout, headers={"Cookie": cookie})


def measure(clients, pages, requests, warmup, budget):
    """{page: [seconds]}, {page: bytes}, {page: error}: every page once per round, in turn.

    A page stops being fetched once its requests took ``budget`` seconds in all, so that
    one very slow page cannot hold up the run (its row then shows fewer requests).
    """
    times = {name: [] for name in pages}
    spent = dict.fromkeys(pages, 0.0)
    sizes, errors = {}, {}
    # The baseline is cheap: several per round make its percentiles steadier.
    turn = [name for name in pages for _ in range(HELLO_REPEAT if name == load.HELLO else 1)]
    for round_ in range(warmup + requests):
        for name in turn:
            path = pages[name]
            if name in errors or spent[name] > budget:
                continue
            client = clients[name.startswith("admin:")]
            began = time.perf_counter()
            try:
                status, body = client.get(path)
            except (OSError, http.client.HTTPException) as exc:
                errors[name] = f"{type(exc).__name__}: {exc}"
                continue
            seconds = time.perf_counter() - began
            spent[name] += seconds
            if status != 200:
                errors[name] = f"HTTP {status}"
                continue
            sizes[name] = len(body)
            if round_ >= warmup:
                times[name].append(seconds)
    return times, sizes, errors


def is_search(name):
    return "search" in name


def page_rows(times, sizes, errors, paths):
    """One row per page: figures, multiples of hello and whether the targets are met."""
    hello50 = load.percentile(times[load.HELLO], 50)
    hello95 = load.percentile(times[load.HELLO], 95)
    rows = []
    for name, values in times.items():
        p50, p95 = load.percentile(values, 50), load.percentile(values, 95)
        x50, x95 = load.ratio(p50, hello50), load.ratio(p95, hello95)
        limit = SEARCH_P95_TARGET if is_search(name) else P95_TARGET
        met = None if name == load.HELLO or x50 is None else x50 < MEDIAN_TARGET and x95 < limit
        rows.append(
            {
                "page": name,
                "path": paths[name],
                "requests": len(values),
                "p50": p50,
                "p95": p95,
                "x50": x50,
                "x95": x95,
                "kb": sizes.get(name, 0) / 1000,
                "met": met,
                "error": errors.get(name),
            }
        )
    return rows


def ms(value):
    if value is None:
        return "-"
    return f"{value * 1000:.0f}" if value >= 0.1 else f"{value * 1000:.1f}"


def times_x(value):
    return "-" if value is None else f"{value:.1f}"


def pages_table(rows, skipped):
    lines = [
        "| page | n | p50 ms | p95 ms | p50 × hello | p95 × hello | KB | target |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        met = {None: "", True: "met", False: "**missed**"}[row["met"]]
        if row["error"]:
            met = f"error: {row['error']}"
        lines.append(
            f"| {row['page']} | {row['requests']} | {ms(row['p50'])} | {ms(row['p95'])} "
            f"| {times_x(row['x50'])} | {times_x(row['x95'])} | {row['kb']:.0f} | {met} |"
        )
    for name, reason in skipped.items():
        lines.append(f"| {name} | | | | | | | skipped: {reason} |")
    return "\n".join(lines)


def paths_list(rows):
    return "\n".join(f"- {row['page']}: `{row['path']}`" for row in rows if row["page"] != "hello")


def import_table(imports, statements, postgresql):
    lines = [
        "| step | seconds | statements/s | CPU s (import process) | peak RSS MB | target |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for label, figures in imports.items():
        rate = statements / figures["seconds"]
        target = {"import": IMPORT_TARGET, "re-import": REIMPORT_TARGET}.get(label)
        verdict = ""
        if target and postgresql:
            met = rate >= target and figures["peak_rss_mb"] < MEMORY_TARGET
            verdict = f"≥{target:,}/s, <{MEMORY_TARGET} MB: {'met' if met else '**missed**'}"
        lines.append(
            f"| {label} | {figures['seconds']:.1f} | {rate:,.0f} | {figures['cpu']:.1f} "
            f"| {figures['peak_rss_mb']:.0f} | {verdict} |"
        )
    return "\n".join(lines)


# --- The machine ----------------------------------------------------------------------------


def machine():
    model = ""
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
        model = re.search(r"Model name:\s*(.+)", lscpu).group(1).strip()
    except (OSError, AttributeError):
        pass
    memory = ""
    try:
        kib = int(re.search(r"MemTotal:\s*(\d+)", Path("/proc/meminfo").read_text()).group(1))
        memory = f"{kib / 2**20:.1f} GiB"
    except (OSError, AttributeError):
        pass
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT, capture_output=True, text=True
    ).stdout.strip()
    return {
        "cores": os.cpu_count(),
        "model": model or platform.processor(),
        "memory": memory,
        "python": platform.python_version(),
        "commit": commit,
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


# --- The run --------------------------------------------------------------------------------


def arguments(argv):
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--statements", type=load.bounded(10, 10_000_000), default=100_000)
    parser.add_argument("--seed", type=int, default=1, help="of the generated data (1)")
    parser.add_argument(
        "--requests", type=load.bounded(1, 1000), default=20, help="of each page (20)"
    )
    parser.add_argument(
        "--page-seconds",
        type=load.bounded(1, 3600),
        default=60,
        help="stop fetching a page once its requests took this long in all (60)",
    )
    parser.add_argument("--workers", type=load.bounded(1, 64), default=2, help="gunicorn's (2)")
    parser.add_argument(
        "--database",
        help="PostgreSQL only: the benchmark's database (default: DATABASE_URL's name + _scale)",
    )
    parser.add_argument(
        "--workdir",
        type=Path,
        help="for the generated file (reused when there: same N and seed), static files and "
        "logs (default: a temporary folder, removed afterwards)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the database and the workdir")
    parser.add_argument(
        "--pages-only",
        action="store_true",
        help="measure the pages of a database and --workdir kept by an earlier --keep run",
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    if args.pages_only and not args.workdir:
        parser.error("--pages-only needs the --workdir of an earlier --keep run")
    return args


def generate_and_migrate(args, env, workdir, database_url, name, postgresql):
    """The data file and its Manifest; a fresh, migrated database (unless --pages-only)."""
    data = workdir / f"scale-{args.statements}-{args.seed}.json"
    manifest_path = data.with_suffix(".manifest.json")
    if args.pages_only:
        return data, Manifest.load(manifest_path)
    if manifest_path.exists() and data.exists():
        # A --workdir given again: the same N and seed make the same file.
        manifest = Manifest.load(manifest_path)
        say(f"using {data} ({len(manifest.debates):,} debates), generated earlier")
    else:
        say(f"generating {args.statements:,} statements (seed {args.seed})")
        started = time.perf_counter()
        manifest = write_record(data, args.statements, args.seed)
        manifest.save(manifest_path)
        say(
            f"  {len(manifest.debates):,} debates, {data.stat().st_size / 1e6:.0f} MB, "
            f"{time.perf_counter() - started:.0f} s"
        )
    say(f"migrating {name}")
    if postgresql:
        create_database(database_url, name)
    load.manage(env, "migrate", "--no-input")
    return data, manifest


def import_twice(args, env, workdir, data):
    """{step: figures} of a fresh import and an unchanged re-import."""
    if args.pages_only:
        return {}
    imports = {}
    for label in ("import", "re-import"):
        say(f"{label} of {args.statements:,} statements")
        imports[label] = timed_import(env, data, workdir, label)
        say(f"  {imports[label]['seconds']:.1f} s: {imports[label]['output']}")
    return imports


class Background:
    """A manage.py command running beside the benchmark's other preparations."""

    def __init__(self, env, *args):
        self.args = args
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", *args],
            cwd=PROJECT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )

    def wait(self):
        output, _ = self.process.communicate()
        if self.process.returncode:
            raise load.BenchError(f"manage.py {self.args[0]} failed:\n{output[-3000:]}")


def say(text):
    print(text, file=sys.stderr, flush=True)


def run(args, workdir):
    database_url, name, postgresql = scale_database(args, workdir)
    env = load.server_environment(database_url, load.free_port(), workdir / "static", args.workers)
    # The benchmark's superuser logs in with a password only; the file may be large.
    env.update(REQUIRE_2FA="0", IMPORT_MAX_BYTES=str(2**40))
    created = not args.pages_only
    password = secrets.token_urlsafe(16)
    try:
        # Static files are collected while the data is generated, not during the import.
        statics = Background(env, "collectstatic", "--no-input")
        try:
            data, manifest = generate_and_migrate(
                args, env, workdir, database_url, name, postgresql
            )
        finally:
            statics.wait()
        imports = import_twice(args, env, workdir, data)
        superuser = Background(
            {**env, "DJANGO_SUPERUSER_PASSWORD": password},
            "shell",
            "-c",
            SUPERUSER.format(user=ADMIN_USER),
        )
        facts = machine()
        facts["database"], size = (
            postgres_facts(database_url, name) if postgresql else ("SQLite", 0)
        )
        facts["database_mb"] = size / 1e6 if postgresql else Path(name).stat().st_size / 1e6
        server = load.Gunicorn(env, workdir)
        try:
            server.wait_until_up()
            superuser.wait()
            facts["workers"] = server.workers()
            public = load.Client(server.port, timeout=TIMEOUT)
            admin = admin_client(server.port, password, timeout=TIMEOUT)
            site = Site(public)
            discover(site, manifest, admin)
            pages = {load.HELLO: load.HELLO_PATH, **site.pages}
            say(f"measuring {len(pages)} pages, {args.requests} requests each, one client")
            load_before = os.getloadavg()
            times, sizes, errors = measure(
                [public, admin], pages, args.requests, warmup=1, budget=args.page_seconds
            )
            facts["load"] = (load_before[0], os.getloadavg()[0])
        finally:
            server.stop()
    finally:
        if postgresql and created and not args.keep:
            drop_database(database_url, name)
    rows = page_rows(times, sizes, errors, pages)
    return {
        "statements": args.statements,
        "seed": args.seed,
        "requests": args.requests,
        "debates": len(manifest.debates),
        "machine": facts,
        "imports": imports,
        "pages": rows,
        "skipped": site.skipped,
        "postgresql": postgresql,
    }


# Runs in `manage.py shell`: the benchmark's superuser, its password from the environment.
SUPERUSER = """
import os
from django.contrib.auth import get_user_model
user, _ = get_user_model().objects.get_or_create(username="{user}")
user.is_staff = user.is_superuser = True
user.set_password(os.environ["DJANGO_SUPERUSER_PASSWORD"])
user.save()
"""


def report(figures):
    facts = figures["machine"]
    lines = [
        f"## {figures['statements']:,} statements ({figures['debates']:,} debates, "
        f"seed {figures['seed']})",
        "",
        f"{facts['date']}, commit {facts['commit']}; {facts['cores']} cores ({facts['model']}), "
        f"{facts['memory']}; {facts['database']} ({facts['database_mb']:.0f} MB); "
        f"gunicorn with production settings, {facts['workers']} workers; one client, "
        f"{figures['requests']} requests per page after one unmeasured ({HELLO_REPEAT} of "
        f"hello-world per round); load average "
        f"{facts['load'][0]:.1f} before, {facts['load'][1]:.1f} after.",
        "",
    ]
    if figures["imports"]:
        lines += [import_table(figures["imports"], figures["statements"], figures["postgresql"])]
        lines += [""]
    lines += [pages_table(figures["pages"], figures["skipped"]), ""]
    missed = [row["page"] for row in figures["pages"] if row["met"] is False]
    lines += [
        f"Targets: median < {MEDIAN_TARGET}× hello, 95th percentile < {P95_TARGET}× "
        f"({SEARCH_P95_TARGET}× for searches). "
        + (f"Missed by: {', '.join(missed)}." if missed else "Every page meets them."),
        "",
        "Paths:",
        "",
        paths_list(figures["pages"]),
    ]
    return "\n".join(lines)


def main(argv=None):
    args = arguments(argv)

    def terminated(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, terminated)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="debate-record-scale-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        figures = run(args, workdir)
    except load.BenchError as exc:
        say(f"scale: {exc}")
        return 2
    except KeyboardInterrupt:
        say("scale: interrupted")
        return 130
    finally:
        if not args.keep and not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)
    print(report(figures))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return 1 if any(row["error"] for row in figures["pages"]) else 0


if __name__ == "__main__":
    sys.exit(main())
