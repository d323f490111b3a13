"""Each public page runs the same number of SQL queries with 1 debate as with 50.

The first debate, and its named speaker, grow with the data as well.
"""

import pytest

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
    # The first debate grows too: as many more statements as there are debates.
    for _ in range(debates):
        make.statement(made[0], speaker=named, position="for-it", text="Peace again.")
    return made


PAGES = {
    "/": 4,
    "/debates/": 5,
    "/debates/?province=kunduz&topic=elections&q=Debate&held_after=2015-01-01": 7,
    "/debates/debate-0/": 4,
    "/topics/": 2,
    "/topics/elections/": 6,
    "/provinces/": 1,
    "/provinces/kunduz/": 4,
    "/speakers/doorman/": 3,
    "/search/?q=peace": 3,
    "/reports/": 4,
    "/reports/report-0/": 4,
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


@pytest.mark.parametrize("debates", [1, 50])
@pytest.mark.parametrize(("url", "queries"), PAGES.items())
def test_a_page_runs_a_fixed_number_of_queries(
    client, make, django_assert_num_queries, debates, url, queries
):
    build_site(make, debates)
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert response.status_code == 200
