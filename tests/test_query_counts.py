"""Each public page runs the same number of SQL queries with 1 debate as with 50.

The first debate, and its named speaker, grow with the data as well: with 50 debates the
first has 253 statements, three pages of its own. Deep pages (``?page=`` past the first,
the last of each list) run as many queries as the first.
"""

import pytest

from debates.models import Statement

pytestmark = pytest.mark.django_db


def build_site(make, debates):
    """``debates`` published debates on one topic, each with speakers of every kind."""
    topic = make.topic(slug="elections")
    named = make.participant(slug="doorman", role="activist", province="AF-KDZ")
    role = make.participant(role="elder", attribution="role")
    anonymous = make.participant(attribution="anonymous")
    provinces = ["AF-KDZ", "AF-GHO", "AF-KAB", "AF-DAY", "AF-URU"]
    made = []
    for number in range(debates):
        debate = make.debate(
            topic=topic,
            province=provinces[number % len(provinces)],
            moderator=role,
            slug=f"debate-{number}",
        )
        for speaker, position in [(named, "for-it"), (role, "against-it"), (anonymous, None)]:
            make.statement(debate, speaker=speaker, position=position, text="Peace talks now.")
        made.append(debate)
        make.report(debates=[debate], quotes=[debate.statements.first()], slug=f"report-{number}")
    # The first debate grows too: five more statements for each debate.
    for_it = topic.positions.get(slug="for-it")
    Statement.objects.bulk_create(
        Statement(
            debate=made[0],
            order=10 + number,
            speaker=named,
            position=for_it,
            kind="quote",
            text="Peace again.",
        )
        for number in range(5 * debates)
    )
    return made


PAGES = {
    "/": 4,
    "/debates/": 5,
    "/debates/?page=3": 5,
    "/debates/?province=kunduz&topic=elections&q=Debate&held_after=2015-01-01": 7,
    "/debates/debate-0/": 5,
    "/debates/debate-0/?page=3": 5,
    "/topics/": 3,
    "/topics/?page=2": 3,
    "/topics/elections/": 6,
    "/topics/elections/?page=3": 6,
    "/provinces/": 1,
    "/provinces/kunduz/": 4,
    "/provinces/kunduz/?page=2": 4,
    "/speakers/doorman/": 3,
    "/speakers/doorman/?page=10": 3,
    "/search/?q=peace": 3,
    "/reports/": 4,
    "/reports/?page=3": 4,
    "/reports/report-0/": 5,
    "/feeds/debates/": 1,
    "/feeds/reports/": 2,
    # The index: each section's count, and the newest change of debates and reports.
    "/sitemap.xml": 7,
    "/sitemap-debates.xml": 2,
    "/sitemap-reports.xml": 2,
    "/sitemap-topics.xml": 2,
    "/sitemap-provinces.xml": 2,
    "/sitemap-speakers.xml": 2,
}


# English with 1 and 50 debates; Dari and Pashto, the same views under a prefix, with 1
# (a query per item or per language would change the count already). The sitemap has one
# address per section, listing every language.
CASES = [(url, queries, debates) for url, queries in PAGES.items() for debates in (1, 50)] + [
    (prefix + url, queries, 1)
    for prefix in ("/fa", "/ps")
    for url, queries in PAGES.items()
    if not url.startswith("/sitemap")
]


@pytest.mark.parametrize(("url", "queries", "debates"), CASES)
def test_a_page_runs_a_fixed_number_of_queries_in_every_language(
    client, make, django_assert_num_queries, every_language, url, queries, debates
):
    build_site(make, debates)
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert response.status_code == 200
