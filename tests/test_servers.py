"""Two instances behind a load balancer: one database, nothing kept in either instance.

Two gunicorns with production settings on two loopback ports share the test database
(PostgreSQL in .ci/run's slow step), the static files built once, the SECRET_KEY and,
when it answers, Redis. What one does, the other sees on its next request.
"""

import re
import secrets

import pytest

from tests.servers import (
    GUNICORN,
    MAKE_SERVE,
    Browser,
    Server,
    free_port,
    manage,
    redis_reachable,
    server_env,
)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

DEMO = "demo/afghans-reject-russian-alliance.json"
PASSWORD = "two-instances-" + secrets.token_urlsafe(12)
SPEAKER = "Sayed Farhad Hashimi"
DEBATE_PAGE = "/debates/kabul-russia-taleban/"


@pytest.fixture
def two_instances(tmp_path, database_url):
    shared = {
        # Every instance signs cookies with the same key.
        "SECRET_KEY": secrets.token_urlsafe(50),
        "REQUIRE_2FA": "0",
        "WEB_CONCURRENCY": "1",
        **({"REDIS_URL": "redis://127.0.0.1:6379/0"} if redis_reachable() else {}),
    }
    first_env = server_env(tmp_path, database_url, free_port(), **shared)
    second_env = server_env(tmp_path, database_url, free_port(), **shared)
    # The first migrates and collects the static files; the second serves the same build.
    first = Server(MAKE_SERVE, first_env, tmp_path / "first.log")
    second = None
    try:
        first.wait_until_up()
        second = Server(GUNICORN, second_env, tmp_path / "second.log")
        second.wait_until_up()
        manage(first_env, "import_debates", DEMO)
        manage(
            {**first_env, "DJANGO_SUPERUSER_PASSWORD": PASSWORD},
            "createsuperuser",
            "--no-input",
            "--username=editor",
            "--email=editor@example.org",
        )
        yield first, second
    finally:
        if second:
            second.stop()
        first.stop()


def log_in(browser, server):
    browser.get(server, "/admin/login/")
    response, _ = browser.post(
        server, "/admin/login/?next=/admin/", {"username": "editor", "password": PASSWORD}
    )
    assert response.status == 302, response.status
    assert response.getheader("Location") == "/admin/"


def test_a_login_and_a_speaker_made_anonymous_through_one_instance_hold_on_the_other(
    two_instances,
):
    # One test, not two: starting the pair of servers is most of its time.
    first, second = two_instances
    for server in (first, second):
        response, page = Browser().get(server, DEBATE_PAGE)
        assert response.status == 200
        assert SPEAKER in page

    browser = Browser()
    log_in(browser, first)
    response, page = browser.get(second, "/admin/")
    assert response.status == 200
    assert "Log out" in page
    # Without the cookie the second instance sends the same request to the login page.
    response, _ = Browser().get(second, "/admin/")
    assert response.status == 302

    # The emergency action, through the second instance, by staff logged in on the first.
    _, changelist = browser.get(second, "/admin/debates/participant/?q=Hashimi")
    pk = re.search(r'name="_selected_action" value="(\d+)"', changelist).group(1)
    response, _ = browser.post(
        second,
        "/admin/debates/participant/",
        {
            "action": "make_participants_anonymous",
            "_selected_action": pk,
            "confirm": "1",
            "reason": "threatened after the debate",
        },
    )
    assert response.status == 302

    for server in (first, second):
        response, page = Browser().get(server, DEBATE_PAGE)
        assert response.status == 200
        assert SPEAKER not in page
        assert "Hashimi" not in page
