"""The CPU time a request takes in its worker, for bench/load.py only (bench/settings.py).

On a machine shared with other work, a request's wall time in the worker grows whenever
the worker waits for a core; its CPU time does not, so page-to-page ratios stay readable.
SQLite runs inside the worker and is counted; PostgreSQL's own work is not.
"""

import time

HEADER = "X-Bench-Cpu"


def cpu_time(get_response):
    def middleware(request):
        started = time.thread_time_ns()
        response = get_response(request)
        response[HEADER] = str((time.thread_time_ns() - started) // 1000)
        return response

    return middleware
