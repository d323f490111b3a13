"""The admin as staff use it: one page per debate, statements inline."""

import html
import json
import re

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from debates.models import Debate, Statement, Topic

pytestmark = pytest.mark.django_db

ADD_DEBATE = reverse("admin:debates_debate_add")


def debate_form(province, topic=None, statements=(), initial_statements=0, **fields):
    """The POST body of the debate admin page, with statement rows inline."""
    data = {
        "title": "Russia's overture to the Taleban",
        "slug": "kunduz-russia-taleban",
        "status": "draft",
        "programme": "",
        "topic": topic.pk if topic else "",
        "held_on": "2015-12-01",
        "held_on_precision": "month",
        "province": province.pk,
        "district": "",
        "venue": "",
        "moderator": "",
        "attendance_total": "",
        "attendance_women": "",
        "summary": "",
        "statements-TOTAL_FORMS": str(len(statements)),
        "statements-INITIAL_FORMS": str(initial_statements),
        "statements-MIN_NUM_FORMS": "0",
        "statements-MAX_NUM_FORMS": "1000",
    }
    data.update(fields)
    for i, row in enumerate(statements):
        defaults = {
            "order": "",
            "speaker": "",
            "position": "",
            "kind": "quote",
            "text": "",
            "original_text": "",
            "original_language": "",
            "key": "",
        }
        defaults.update(row)
        for name, value in defaults.items():
            data[f"statements-{i}-{name}"] = "" if value is None else value
    return data


@pytest.fixture
def kunduz(make):
    return make.province("AF-KDZ")


@pytest.fixture
def topic(make):
    return make.topic(positions=["threat-to-region", "proxy-war"])


@pytest.fixture
def speakers(make):
    return [make.participant(attribution=a) for a in ("named", "role", "anonymous")]


def test_staff_add_a_debate_with_three_statements_on_one_page(
    staff_client, kunduz, topic, speakers
):
    threat, proxy = topic.positions.all()
    response = staff_client.post(
        ADD_DEBATE,
        debate_form(
            kunduz,
            topic,
            statements=[
                {"speaker": speakers[0].pk, "position": threat.pk, "text": "First."},
                {
                    "speaker": speakers[1].pk,
                    "position": proxy.pk,
                    "text": "Second.",
                    "kind": "paraphrase",
                    "key": "second",
                },
                {
                    "speaker": "",
                    "text": "Third.",
                    "original_text": "سوم",
                    "original_language": "fa-AF",
                },
            ],
        ),
    )
    assert response.status_code == 302, response.context["errors"]
    debate = Debate.objects.get(slug="kunduz-russia-taleban")
    assert [(s.text, s.order) for s in debate.statements.all()] == [
        ("First.", 0),
        ("Second.", 1),
        ("Third.", 2),
    ]
    assert debate.statements.get(key="second").kind == "paraphrase"
    assert debate.statements.get(text="Third.").speaker is None


def test_staff_reorder_statements_by_changing_their_order(staff_client, make, speakers):
    debate = make.debate()
    first = make.statement(debate, text="First.")
    second = make.statement(debate, text="Second.")
    rows = [
        {"id": first.pk, "debate": debate.pk, "order": 2, "text": first.text},
        {"id": second.pk, "debate": debate.pk, "order": 1, "text": second.text},
    ]
    response = staff_client.post(
        reverse("admin:debates_debate_change", args=[debate.pk]),
        debate_form(
            debate.province,
            debate.topic,
            statements=rows,
            initial_statements=2,
            title=debate.title,
            slug=debate.slug,
            held_on_precision="day",
        ),
    )
    assert response.status_code == 302, response.context["errors"]
    assert [s.text for s in debate.statements.all()] == ["Second.", "First."]


def test_a_position_of_another_topic_is_a_form_error(staff_client, kunduz, topic, make):
    elsewhere = make.topic(positions=["elsewhere"]).positions.get()
    response = staff_client.post(
        ADD_DEBATE,
        debate_form(kunduz, topic, statements=[{"position": elsewhere.pk, "text": "Words."}]),
    )
    assert response.status_code == 200
    assert "is a position of another topic" in response.content.decode()
    assert not Debate.objects.exists()


def test_more_women_than_attendance_is_a_form_error(staff_client, kunduz):
    response = staff_client.post(
        ADD_DEBATE, debate_form(kunduz, attendance_total="10", attendance_women="11")
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "attendance_women": ["Women attending cannot exceed the attendance."]
    }
    assert not Debate.objects.exists()


def test_a_duplicate_debate_slug_is_a_form_error(staff_client, kunduz, make):
    make.debate(slug="kunduz-russia-taleban")
    response = staff_client.post(ADD_DEBATE, debate_form(kunduz))
    assert response.status_code == 200
    assert "slug" in response.context["adminform"].form.errors
    assert Debate.objects.count() == 1


def test_a_statement_key_used_in_another_debate_is_a_form_error(staff_client, kunduz, make):
    make.statement(make.debate(), key="taken")
    response = staff_client.post(
        ADD_DEBATE, debate_form(kunduz, statements=[{"text": "Words.", "key": "taken"}])
    )
    assert response.status_code == 200
    assert "Statement with this Key already exists." in response.content.decode()
    assert Statement.objects.count() == 1


def test_a_statement_key_twice_on_one_page_is_a_form_error(staff_client, kunduz):
    rows = [{"text": "One.", "key": "twice"}, {"text": "Two.", "key": "twice"}]
    response = staff_client.post(ADD_DEBATE, debate_form(kunduz, statements=rows))
    assert response.status_code == 200
    assert "Please correct the duplicate data for key" in response.content.decode()
    assert not Debate.objects.exists()


def test_the_debate_page_uses_autocomplete_not_giant_select_boxes(staff_client):
    html = staff_client.get(ADD_DEBATE).content.decode()
    for field in ("province", "topic", "programme", "moderator", "statements-0-speaker"):
        assert f'name="{field}"' in html
        start = html.index(f'name="{field}"')
        tag = html[html.rindex("<select", 0, start) : html.index(">", start)]
        assert "admin-autocomplete" in tag, field
    # A participant can be added in a popup without leaving the debate form.
    assert "add_id_moderator" in html


def test_participant_autocomplete_finds_by_name(staff_client, make):
    make.participant(name="Abdul Hameed Natiqi", attribution="role")
    make.participant(name="Sayed Farhad Hashimi")
    response = staff_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "debates",
            "model_name": "debate",
            "field_name": "moderator",
            "term": "natiqi",
        },
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["Abdul Hameed Natiqi"]


def test_province_autocomplete_finds_by_code(staff_client):
    response = staff_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "debates", "model_name": "debate", "field_name": "province", "term": "KDZ"},
    )
    assert [r["text"] for r in response.json()["results"]] == ["Kunduz"]


@pytest.mark.parametrize("field", ["topic", "programme"])
def test_topic_and_programme_autocomplete_list_in_alphabetical_order(staff_client, make, field):
    # Their admin lists count debates, which once left the list unordered: a warning,
    # and results that could repeat or go missing from page to page.
    name = "title" if field == "topic" else "name"
    for word in ["Water", "Land", "Schools"]:
        getattr(make, field)(**{name: f"{word} question"})
    response = staff_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "debates", "model_name": "debate", "field_name": field, "term": "question"},
    )
    assert [r["text"] for r in response.json()["results"]] == [
        "Land question",
        "Schools question",
        "Water question",
    ]


def test_attribution_shows_in_the_participant_list_and_form(staff_client, make):
    make.participant(name="Zergul", attribution="role")
    listing = staff_client.get(reverse("admin:debates_participant_changelist")).content.decode()
    assert "Role: the public sees role and province, never the name" in listing
    add_page = staff_client.get(reverse("admin:debates_participant_add"))
    assert "Name and organisation of a role or anonymous participant never leave" in (
        add_page.content.decode()
    )
    assert add_page.context["adminform"].form["attribution"].value() == "anonymous"


def test_publish_and_unpublish_in_bulk(staff_client, make):
    drafts = [make.debate(status="draft") for _ in range(3)]
    changelist = reverse("admin:debates_debate_changelist")
    staff_client.post(
        changelist, {"action": "publish", "_selected_action": [d.pk for d in drafts[:2]]}
    )
    assert Debate.objects.published().count() == 2
    staff_client.post(changelist, {"action": "unpublish", "_selected_action": [drafts[0].pk]})
    assert list(Debate.objects.published()) == [drafts[1]]


def test_debate_list_filters_by_province_and_searches_titles(staff_client, make):
    make.debate(title="Water rights", province="AF-GHO")
    make.debate(title="Election reform", province="AF-KAB")
    changelist = reverse("admin:debates_debate_changelist")
    ghor = make.province("AF-GHO")
    by_province = staff_client.get(changelist, {"province__id__exact": ghor.pk})
    assert [d.title for d in by_province.context["cl"].result_list] == ["Water rights"]
    by_search = staff_client.get(changelist, {"q": "election"})
    assert [d.title for d in by_search.context["cl"].result_list] == ["Election reform"]


def test_debate_list_shows_status_date_province_and_statement_count_before_the_title(
    staff_client, make
):
    debate = make.debate(title="Water rights", status="review", province="AF-GHO")
    make.statement(debate)
    make.statement(debate)
    page = staff_client.get(reverse("admin:debates_debate_changelist")).content.decode()
    columns = ["status", "held_on", "province", "statement_count", "title", "topic_title"]
    places = [page.index(f'class="sortable column-{name}') for name in columns]
    assert places == sorted(places)
    row = page[page.index('<tr><td class="action-checkbox">') :]
    row = row[: row.index("</tr>")]
    assert [cell in row for cell in ("Waiting for review", "Ghor", ">2<", "Water rights")] == [
        True
    ] * 4
    # The title opens the debate.
    assert f'<a href="{reverse("admin:debates_debate_change", args=[debate.pk])}' in row


def test_debate_list_filters_by_status_province_topic_and_programme(staff_client, make):
    water = make.topic(title="Water rights")
    make.debate(title="Kunduz water", status="review", topic=water, programme=make.programme())
    make.debate(title="Ghor elections", status="draft", province="AF-GHO")
    changelist = reverse("admin:debates_debate_changelist")
    response = staff_client.get(changelist)
    titles = [str(spec.title) for spec in response.context["cl"].filter_specs]
    assert titles == ["status", "province", "topic", "programme"]

    def listed(**query):
        response = staff_client.get(changelist, query)
        return [debate.title for debate in response.context["cl"].result_list]

    assert listed(status__exact="review") == ["Kunduz water"]
    assert listed(topic__id__exact=water.pk) == ["Kunduz water"]
    assert listed(programme__isnull="True") == ["Ghor elections"]


def test_topics_are_edited_with_their_positions_inline(staff_client):
    response = staff_client.post(
        reverse("admin:debates_topic_add"),
        {
            "title": "Russia, the Taleban and Islamic State",
            "slug": "russia-taleban-alliance",
            "question": "Should Afghans accept Russian support?",
            "description": "",
            "positions-TOTAL_FORMS": "2",
            "positions-INITIAL_FORMS": "0",
            "positions-MIN_NUM_FORMS": "0",
            "positions-MAX_NUM_FORMS": "1000",
            "positions-0-order": "0",
            "positions-0-label": "A threat to the region",
            "positions-0-slug": "threat-to-region",
            "positions-0-stance": "against",
            "positions-1-order": "1",
            "positions-1-label": "Leverage the clash",
            "positions-1-slug": "leverage-the-clash",
            "positions-1-stance": "mixed",
        },
    )
    assert response.status_code == 302
    topic = Topic.objects.get(slug="russia-taleban-alliance")
    assert [(p.slug, p.stance) for p in topic.positions.all()] == [
        ("threat-to-region", "against"),
        ("leverage-the-clash", "mixed"),
    ]


def test_staff_without_permission_are_refused(client, django_user_model, make):
    user = django_user_model.objects.create_user("clerk", password="pw-12345!", is_staff=True)
    client.force_login(user)
    assert client.get(ADD_DEBATE).status_code == 403
    assert client.get(reverse("admin:debates_debate_changelist")).status_code == 403
    user.user_permissions.add(Permission.objects.get(codename="view_debate"))
    assert client.get(reverse("admin:debates_debate_changelist")).status_code == 200
    assert client.get(ADD_DEBATE).status_code == 403


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(ADD_DEBATE)
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_staff_log_in_with_username_and_password(client, django_user_model):
    django_user_model.objects.create_user("staff", password="pw-12345!", is_staff=True)
    response = client.post(
        reverse("admin:login"), {"username": "staff", "password": "pw-12345!", "next": "/admin/"}
    )
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_the_debate_page_runs_as_many_queries_for_thirty_statements_as_for_one(staff_client, make):
    def queries_for(statement_count):
        debate = make.debate()
        for _ in range(statement_count):
            make.statement(debate, speaker=make.participant(), position="for-it")
        with CaptureQueriesContext(connection) as queries:
            response = staff_client.get(reverse("admin:debates_debate_change", args=[debate.pk]))
        assert response.status_code == 200
        assert response.content.decode().count('name="statements-') > statement_count
        return len(queries)

    queries_for(1)  # warm the content-type and permission caches
    assert queries_for(30) == queries_for(1)


def change_page(client, debate):
    return client.get(reverse("admin:debates_debate_change", args=[debate.pk])).content.decode()


def offered(page, name):
    """The (value, label) options of the select box ``name`` in an HTML page."""
    select = re.search(rf'<select name="{name}".*?</select>', page, re.S).group(0)
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select)


def statement_rows(page):
    return page.split('class="inline-related statement-entry')[1:]


def test_the_debate_page_maps_every_topics_positions_for_its_script(staff_client, make):
    debate = make.debate(topic=make.topic(positions=["for-it", "against-it"]))
    make.statement(debate)
    other = make.topic(positions=["elsewhere"])
    page = change_page(staff_client, debate)

    mapped = re.search(r'data-topic-positions="([^"]*)"', page).group(1)
    for_it, against_it = debate.topic.positions.all()
    assert json.loads(html.unescape(mapped)) == {
        str(debate.topic.pk): [[for_it.pk, "For It"], [against_it.pk, "Against It"]],
        str(other.pk): [[other.positions.get().pk, "Elsewhere"]],
    }
    # Without the script, every row offers the debate's own positions, by their labels.
    for row in ("statements-0-position", "statements-1-position"):
        assert offered(page, row) == [
            ("", "---------"),
            (str(for_it.pk), "For It"),
            (str(against_it.pk), "Against It"),
        ]


def test_a_new_debate_offers_every_position_named_with_its_topic_until_the_script_narrows(
    staff_client, make
):
    first = make.topic(title="Water", positions=["dams"])
    second = make.topic(title="Schools", positions=["girls-schools"])
    page = staff_client.get(ADD_DEBATE).content.decode()
    assert offered(page, "statements-0-position") == [
        ("", "---------"),
        (str(second.positions.get().pk), "Schools: Girls Schools"),
        (str(first.positions.get().pk), "Water: Dams"),
    ]


def test_a_statements_rarer_fields_are_folded_away_until_they_hold_something(staff_client, make):
    debate = make.debate()
    make.statement(debate, order=0, text="Only the text.")
    make.statement(
        debate, order=1, text="As spoken too.", original_text="به دری", original_language="fa-AF"
    )
    make.statement(debate, order=2, text="Held back.", withheld=True)
    rows = statement_rows(change_page(staff_client, debate))

    def folds(row):
        return re.findall(r'<details class="statement-more"( open)?>', row)

    assert [folds(row) for row in rows] == [
        ["", ""],
        [" open", ""],
        ["", " open"],
        ["", ""],  # the blank row
        ["", ""],  # the template "Add another statement" copies
    ]


def test_a_folded_field_with_an_error_is_shown_unfolded(staff_client, kunduz, topic):
    response = staff_client.post(
        ADD_DEBATE,
        debate_form(kunduz, topic, statements=[{"text": "Words.", "original_language": "Dari"}]),
    )
    assert response.status_code == 200
    row = statement_rows(response.content.decode())[0]
    folds = re.findall(r'<details class="statement-more"( open)?><summary>([^<]*)', row)
    assert folds == [(" open", "Original words, as spoken"), ("", "Key, withholding, correction")]
    assert "Use a language tag such as fa-AF" in row


def test_a_statement_row_links_only_to_adding_a_speaker(staff_client, make):
    # Every link in a row is a stop for the Tab key, in each of fifty rows.
    debate = make.debate()
    make.statement(debate, speaker=make.participant(), position="for-it")
    page = change_page(staff_client, debate)
    assert 'id="add_id_statements-0-speaker"' in page
    for link in ("change_id", "delete_id", "view_id"):
        assert f'id="{link}_statements-0-speaker"' not in page
    for link in ("add_id", "change_id", "delete_id", "view_id"):
        assert f'id="{link}_statements-0-position"' not in page
