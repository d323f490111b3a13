#!/usr/bin/env python
"""How fast, and in how much memory, debate record files import and export.

Generates a synthetic file with N statements spread over many debates and participants,
imports it into a fresh throwaway database (Django's test-database machinery: a temporary
SQLite file, or bench_<name> on PostgreSQL, dropped afterwards), imports it again (which
must change nothing) and exports it. Prints statements per second, seconds and the
peak memory: the process's peak RSS (Django itself takes about 60 MiB) and, with
--tracemalloc, the peak of Python allocations during each step.

    .venv/bin/python bench/import_bench.py --statements 100000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dr_bench .venv/bin/python bench/...
"""

import argparse
import json
import multiprocessing
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "1")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402

from record.exporter import export_record  # noqa: E402
from record.importer import import_record  # noqa: E402
from record.write import TRACKED  # noqa: E402

PROVINCES = ["AF-KAB", "AF-KDZ", "AF-GHO", "AF-HER", "AF-BAL", "AF-KAN", "AF-NAN", "AF-BAM"]
STANCES = ["for", "against", "mixed", "neutral"]


def synthetic_record(statements, per_debate, speakers):
    debates = max(1, statements // per_debate)
    topics = max(1, debates // 20)
    record = {
        "format": "debate-record/1",
        "programmes": [{"slug": "bench", "name": "Benchmark programme"}],
        "topics": [
            {
                "slug": f"topic-{t}",
                "title": f"Topic {t}",
                "question": f"Should question {t} be answered?",
                "positions": [
                    {"slug": f"position-{p}", "label": f"Position {p}", "stance": STANCES[p]}
                    for p in range(4)
                ],
            }
            for t in range(topics)
        ],
        "participants": [
            {
                "slug": f"speaker-{s}",
                "name": f"Speaker number {s}",
                "role": "debate participant",
                "province": PROVINCES[s % len(PROVINCES)],
                "attribution": ["named", "role", "anonymous"][s % 3],
            }
            for s in range(speakers)
        ],
        "debates": [],
        "reports": [],
    }
    made = 0
    for d in range(debates):
        count = per_debate if d < debates - 1 else statements - made
        record["debates"].append(
            {
                "slug": f"debate-{d}",
                "title": f"Debate {d}",
                "province": PROVINCES[d % len(PROVINCES)],
                "held_on": f"20{10 + d % 10}-0{1 + d % 9}-1{d % 10}",
                "programme": "bench",
                "topic": f"topic-{d % topics}",
                "attendance": {"total": 50 + d % 50, "women": d % 50},
                "status": "published",
                "statements": [
                    {
                        **({"key": f"d{d}-s{i}"} if i % 2 == 0 else {}),
                        "speaker": f"speaker-{(d * 7 + i) % speakers}",
                        "position": f"position-{i % 4}",
                        "kind": "quote" if i % 3 else "paraphrase",
                        "text": f"Statement {i} of debate {d}: what was said, translated. " * 3,
                        **(
                            {"original_text": "آنچه گفته شد", "original_language": "fa-AF"}
                            if i % 5 == 0
                            else {}
                        ),
                    }
                    for i in range(count)
                ],
            }
        )
        made += count
    for r in range(min(20, debates)):
        record["reports"].append(
            {
                "slug": f"report-{r}",
                "headline": f"Report {r}",
                "body": "What the debates said.\n\nMore of it.",
                "status": "published",
                "debates": [f"debate-{r}"],
                "quotes": [f"d{r}-s0", f"d{r}-s2"],
            }
        )
    return record


def server_cpu():
    """CPU seconds of this connection's PostgreSQL server process, if it runs here."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    # utime and stime, in clock ticks.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(label, function, statements, trace):
    if trace:
        tracemalloc.start()
    server = server_cpu()
    start, cpu = time.perf_counter(), time.process_time()
    result = function()
    seconds = time.perf_counter() - start
    # CPU time too: on a shared machine, wall time includes waiting for a core.
    cpu = time.process_time() - cpu
    if server is not None:
        server = server_cpu() - server
    memory = f"peak RSS so far {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB"
    if trace:
        memory += f", tracemalloc peak {tracemalloc.get_traced_memory()[1] / 2**20:.0f} MiB"
        tracemalloc.stop()
    server = "" if server is None else f", {server:.2f} s of the database server's"
    print(
        f"{label:<10} {seconds:8.2f} s  {statements / seconds:10,.0f} statements/s  "
        f"(CPU {cpu:.2f} s of this process{server})  {memory}",
        flush=True,
    )
    return result


def history_rows():
    """The historical rows of every tracked model: an import records each row it writes."""
    return sum(model.history.count() for model in TRACKED)


def write_file(path, statements, per_debate, speakers):
    # Run in a child process, so the parent's peak RSS is the import's and export's own.
    record = synthetic_record(statements, per_debate, speakers)
    path.write_text(json.dumps(record, ensure_ascii=False, indent=2), encoding="utf-8")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--statements", type=int, default=100_000)
    parser.add_argument("--per-debate", type=int, default=50, help="statements per debate")
    parser.add_argument("--speakers", type=int, default=5_000)
    parser.add_argument(
        "--tracemalloc",
        dest="trace",
        action="store_true",
        help="also report tracemalloc's peak of Python allocations (slows everything down)",
    )
    args = parser.parse_args()

    # Query logging would keep every bulk insert's SQL in memory.
    settings.DEBUG = False
    # The benchmark's files may be larger than the upload cap.
    settings.IMPORT_MAX_BYTES = 2**40
    workdir = Path(tempfile.mkdtemp(prefix="dr-bench-"))
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        database.setdefault("TEST", {})["NAME"] = str(workdir / "bench.sqlite3")
    else:
        # Not test_<name>: the test suite may be using that database at the same time.
        database.setdefault("TEST", {})["NAME"] = f"bench_{database['NAME']}"
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        path = workdir / "bench.json"
        child = multiprocessing.Process(
            target=write_file, args=(path, args.statements, args.per_debate, args.speakers)
        )
        child.start()
        child.join()
        size = path.stat().st_size / 2**20
        print(
            f"{connection.vendor}, {args.statements:,} statements, "
            f"{args.statements // args.per_debate:,} debates, {args.speakers:,} speakers, "
            f"file {size:.1f} MiB",
            flush=True,
        )

        summary = measure("import", lambda: import_record(path), args.statements, args.trace)
        history = history_rows()
        print(
            f"           {summary.totals()[0]:,} rows created, {history:,} history rows",
            flush=True,
        )
        summary = measure("re-import", lambda: import_record(path), args.statements, args.trace)
        assert summary.totals() == (0, 0, 0), summary
        assert history_rows() == history, "an unchanged re-import wrote history"
        print("           0 created, 0 updated, 0 deleted, no history rows", flush=True)

        def export():
            with open(workdir / "export.json", "w", encoding="utf-8") as out:
                export_record(out)

        measure("export", export, args.statements, args.trace)
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)
        for file in workdir.iterdir():
            file.unlink()
        workdir.rmdir()


if __name__ == "__main__":
    main()
