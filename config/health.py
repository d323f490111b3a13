"""`GET /healthz` for load balancers and uptime checks: is this worker up, does the database answer?

A probe often connects by address (any Host header) and over plain HTTP, so the answer is
given by a middleware placed before SecurityMiddleware (the HTTPS redirect) and
CommonMiddleware, and without calling request.get_host() (where ALLOWED_HOSTS is checked).
The body says only "ok" or "unavailable": nothing about the database or its error.
"""

import logging

from django.db import DatabaseError, connection
from django.http import JsonResponse

logger = logging.getLogger(__name__)

PATH = "/healthz"


def database_answers():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        logger.exception("health check: the database does not answer")
        return False


def health_response():
    if database_answers():
        response = JsonResponse({"status": "ok"})
    else:
        response = JsonResponse({"status": "unavailable"}, status=503)
    response["Cache-Control"] = "no-store"
    return response


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == PATH and request.method in ("GET", "HEAD"):
            return health_response()
        return self.get_response(request)
