"""A read replica (DATABASE_REPLICA_URL): public reads there, staff and writes on the primary.

The replica here is a second connection wrapper around the test database's own
connection: it sees what the test made in its transaction, and logs its own queries.
"""

import pytest
from django.core.cache import cache
from django.db import connections, router, transaction
from django.db.utils import load_backend
from django.test.utils import CaptureQueriesContext

from config.replica import CHANGE_KEY, PRIMARY, REPLICA, note_public_change
from debates.models import Debate, Participant

pytestmark = pytest.mark.django_db

NAME = "Replica Shown Speaker"


@pytest.fixture
def replica(settings):
    """Settings as DATABASE_REPLICA_URL makes them, and a replica on the test database.

    Made by hand rather than from settings.DATABASES: the test database is already set up.
    """
    settings.DATABASE_ROUTERS = ["config.replica.ReplicaRouter"]
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "config.replica.ReplicaMiddleware"]
    primary = connections[PRIMARY]
    primary.ensure_connection()
    wrapper = load_backend(primary.settings_dict["ENGINE"]).DatabaseWrapper
    connections[REPLICA] = wrapper({**primary.settings_dict}, REPLICA)
    connections[REPLICA].connection = primary.connection
    yield
    connections[REPLICA].connection = None  # the primary's, which it closes itself
    del connections[REPLICA]
    cache.delete(CHANGE_KEY)


@pytest.fixture
def debate(make, replica):
    speaker = make.participant(name=NAME, slug="replica-shown")
    debate = make.debate(slug="replica-debate")
    make.statement(debate, speaker=speaker, text="Words read from the replica.")
    # As if they had been made and committed long ago: creating them is a change, noted
    # at the commit the test's transaction never makes; the tests below note their own.
    primary = connections[PRIMARY]
    primary.run_on_commit = [c for c in primary.run_on_commit if c[1] is not note_public_change]
    cache.delete(CHANGE_KEY)
    return debate


class Queries:
    """The SQL each database saw during a block."""

    def __enter__(self):
        self.contexts = {
            alias: CaptureQueriesContext(connections[alias]) for alias in (PRIMARY, REPLICA)
        }
        for context in self.contexts.values():
            context.__enter__()
        return self

    def __exit__(self, *exc):
        for context in self.contexts.values():
            context.__exit__(*exc)

    def on(self, alias):
        return " ".join(query["sql"] for query in self.contexts[alias].captured_queries)


def test_a_public_page_reads_the_debate_from_the_replica(client, debate):
    with Queries() as queries:
        page = client.get("/debates/replica-debate/")
    assert page.status_code == 200
    assert NAME in page.text
    assert "debates_debate" in queries.on(REPLICA)
    assert "debates_" not in queries.on(PRIMARY)


def test_a_logged_in_staff_member_reads_public_pages_from_the_primary(staff_client, debate):
    with Queries() as queries:
        page = staff_client.get("/debates/replica-debate/")
    assert NAME in page.text
    assert queries.on(REPLICA) == ""
    assert "debates_debate" in queries.on(PRIMARY)


def test_the_admin_reads_and_writes_on_the_primary(staff_client, debate):
    participant = Participant.objects.get(slug="replica-shown")
    with Queries() as queries:
        assert staff_client.get("/admin/debates/participant/").status_code == 200
        response = staff_client.post(
            "/admin/debates/participant/",
            {
                "action": "make_participants_anonymous",
                "_selected_action": [participant.pk],
                "confirm": "1",
                "reason": "threatened",
            },
        )
    assert response.status_code == 302
    assert queries.on(REPLICA) == ""
    assert "UPDATE" in queries.on(PRIMARY)


def test_a_public_post_reads_from_the_primary(client, debate):
    with Queries() as queries:
        client.post("/debates/replica-debate/")
    assert queries.on(REPLICA) == ""


def test_after_a_change_public_pages_read_the_primary_until_the_fallback_expires(
    client, debate, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        Participant.objects.filter(slug="replica-shown").update(attribution="anonymous")
    assert cache.get(CHANGE_KEY) is not None
    with Queries() as queries:
        page = client.get("/debates/replica-debate/")
    # A replica that has not caught up yet would still show the name: the primary answers.
    assert NAME not in page.text
    assert queries.on(REPLICA) == ""

    cache.delete(CHANGE_KEY)  # REPLICA_FALLBACK_SECONDS later
    with Queries() as queries:
        client.get("/debates/replica-debate/")
    assert "debates_debate" in queries.on(REPLICA)


def test_a_change_is_noted_once_per_transaction_when_it_commits(
    debate, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        Debate.objects.filter(pk=debate.pk).update(status="draft")
        Debate.objects.filter(pk=debate.pk).update(status="published")
    assert cache.get(CHANGE_KEY) is None  # not committed yet
    assert callbacks == [note_public_change]
    callbacks[0]()
    assert cache.get(CHANGE_KEY) is not None


def test_outside_a_request_and_for_migrations_only_the_primary_is_used(debate):
    with Queries() as queries:
        assert Debate.objects.filter(slug="replica-debate").exists()
    assert queries.on(REPLICA) == ""
    assert router.db_for_write(Debate) == PRIMARY
    assert not router.allow_migrate(REPLICA, "debates")
    assert router.allow_migrate(PRIMARY, "debates")
