"""Search: Dari and Pashto found however they are typed, kept current, fast at scale."""

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from debates import search, views
from debates.models import Debate, Statement
from debates.search import VECTOR_INDEX, normalise
from record.importer import import_record
from record.pagination import CappedPaginator
from tests.test_import import SEED

pytestmark = pytest.mark.django_db

# A Dari sentence as a keyboard with Persian letters types it: Farsi yeh and keheh.
PEACE_TALKS = "گفتگوی صلح در کابل"


def found(text):
    return list(Statement.objects.search(text))


@pytest.mark.parametrize(
    ("stored", "typed"),
    [
        (PEACE_TALKS, "گفتگوي"),  # Arabic yeh for Farsi yeh
        (PEACE_TALKS, "گفتگوى"),  # alef maksura for Farsi yeh
        (PEACE_TALKS, "كابل"),  # Arabic kaf for keheh
        ("گفتگوي صلح در كابل", "گفتگوی کابل"),  # and the other way round
        ("مدرسة", "مدرسه"),  # teh marbuta for heh
        ("مدرسه", "مدرسة"),
        ("می\u200cخواهیم صلح", "میخواهیم"),  # a zero-width non-joiner
        ("میخواهیم صلح", "می\u200cخواهیم"),
        ("صـــلح", "صلح"),  # tatweel
        ("صَلْح", "صلح"),  # short vowels
        ("صلح", "صُلٌح"),
        ("در سال ۱۳۹۴", "1394"),  # Persian digits
        ("در سال ١٣٩٤", "۱۳۹۴"),  # Arabic-Indic digits
        ("in 1394", "١٣٩٤"),
        ("Peace in KUNDUZ", "kunduz"),  # case
        ("Straße", "STRASSE"),
    ],
)
def test_a_word_is_found_whichever_letter_forms_digits_and_marks_it_is_typed_with(
    make, stored, typed
):
    statement = make.statement(
        make.debate(), text="In English.", original_text=stored, original_language="fa-AF"
    )
    make.statement(make.debate(), text="Something else.")
    assert found(typed) == [statement]


def test_a_dari_query_finds_a_statement_by_its_dari_original_on_the_search_page(client, make):
    statement = make.statement(
        make.debate(), text="Talks in Kabul.", original_text=PEACE_TALKS, original_language="fa-AF"
    )
    response = client.get("/search/", {"q": "گفتگوي صلح"})
    assert list(response.context["page_obj"]) == [statement]
    assert "1 statement" in response.content.decode()


def test_every_word_of_a_query_must_occur(make):
    debate = make.debate()
    both = make.statement(debate, text="Peace talks in Kunduz.")
    make.statement(debate, text="Peace in Ghor.")
    assert found("talks peace") == [both]
    assert found("peace elephants") == []


def test_punctuation_neither_hides_a_word_nor_is_searched_for(make):
    statement = make.statement(
        make.debate(),
        text="Peace? Not yet.",
        original_text="صلح؟ هنوز نه،",
        original_language="fa-AF",
    )
    assert found("peace") == found("صلح") == found("هنوز") == [statement]
    assert found("?!") == []


def test_normalising_gives_lowercase_words_separated_by_single_spaces():
    assert normalise("  Peace,\u200c\tTALKS!  ۱۲ كتاب ") == "peace talks 12 کتاب"


@pytest.mark.parametrize(
    "text", ["Peace, TALKS!", "snake_case\tand-dashes\n12.5%", " \x1f(x) ", "", "A_B__c"]
)
def test_plain_ascii_text_gives_the_words_any_text_would(text):
    # A zero-width non-joiner is ignored, but takes the text the way of all non-ASCII.
    assert normalise(text) == normalise(text + "\u200c")


def test_saving_a_statement_keeps_its_search_document_current(make):
    statement = make.statement(make.debate(), text="Peace talks.")
    statement.text = "Water rights."
    statement.save(update_fields=["text"])
    assert found("water") == [statement]
    assert found("peace") == []


def test_updating_statements_in_bulk_keeps_their_search_documents_current(make):
    debate = make.debate()
    first = make.statement(debate, text="Peace talks.")
    second = make.statement(
        debate, text="Peace again.", original_text="صلح", original_language="fa-AF"
    )

    Statement.objects.filter(pk=first.pk).update(text="Water rights.")
    assert found("water") == [first]

    second.text = "Grazing land."
    Statement.objects.bulk_update([second], ["text"])
    assert found("grazing صلح") == [second]
    assert found("peace") == []

    Statement.objects.bulk_create(
        [Statement(debate=debate, order=9, kind="quote", text="Bulk words.")]
    )
    assert [s.text for s in found("bulk")] == ["Bulk words."]


def test_imported_statements_are_found_and_a_changed_file_changes_what_is_found():
    seed = json.loads(SEED.read_text(encoding="utf-8"))
    import_record(json.dumps(seed))
    assert [s.key for s in found("proxy war")] == ["doorman-proxy-war"]

    seed["debates"][0]["statements"][2]["text"] = "Kabulov wants another water war."
    import_record(json.dumps(seed))
    assert [s.key for s in found("water war")] == ["doorman-proxy-war"]
    assert found("proxy") == []


def test_past_the_cap_the_page_says_more_than_and_pages_stop_at_the_cap(client, make, monkeypatch):
    monkeypatch.setattr(views, "SEARCH_RESULTS_CAP", 4)
    monkeypatch.setattr(views, "STATEMENTS_PER_PAGE", 2)
    debate = make.debate()
    for _ in range(5):
        make.statement(debate, text="Peace talks.")

    response = client.get("/search/", {"q": "peace"})

    assert "More than 4 statements" in response.content.decode()
    assert response.context["page_obj"].paginator.num_pages == 2
    last = client.get("/search/", {"q": "peace", "page": "99"})
    assert last.context["page_obj"].number == 2


def test_at_the_cap_the_page_gives_the_exact_count(client, make, monkeypatch):
    monkeypatch.setattr(views, "SEARCH_RESULTS_CAP", 4)
    debate = make.debate()
    for _ in range(4):
        make.statement(debate, text="Peace talks.")
    text = client.get("/search/", {"q": "peace"}).content.decode()
    assert "4 statements" in text and "More than" not in text


def test_the_capped_paginator_counts_lists_too():
    paginator = CappedPaginator(list(range(10)), 3, cap=5)
    assert (paginator.count, paginator.capped, paginator.num_pages) == (5, True, 2)
    assert not CappedPaginator(list(range(5)), 3, cap=5).capped


def test_on_postgresql_a_rare_word_sorted_by_date_is_found_through_the_gin_index(client, make):
    if connection.vendor != "postgresql":
        pytest.skip("the stored vector and its GIN index exist on PostgreSQL only")
    first = make.debate()
    fields = {f: getattr(first, f) for f in ("province_id", "topic_id", "status", "title")}
    Debate.objects.bulk_create(
        Debate(
            slug=f"many-{n}", held_on=datetime.date(2015, 1, 1) + datetime.timedelta(n), **fields
        )
        for n in range(400)
    )
    with connection.cursor() as cursor:
        # As the benchmark's record has them: every statement says the same words.
        cursor.execute(
            'INSERT INTO debates_statement (debate_id, "order", kind, text, original_text,'
            " original_language, withheld, search_document, correction_note, translations)"
            " SELECT d.id, g, 'quote', t, '', '', false, lower(t), '', '{}'"
            " FROM debates_debate d, generate_series(1, 50) g,"
            " repeat('Statement ' || g || ' of debate ' || d.id || ' what was said ', 3) t"
        )
        # What autovacuum does after many rows: move new entries into the index proper.
        cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [VECTOR_INDEX])
        cursor.execute("ANALYZE debates_statement")
        cursor.execute("ANALYZE debates_debate")
    rare = make.statement(first, text="A zanzibar remark.")

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/search/", {"q": "zanzibar"})
    assert list(response.context["page_obj"]) == [rare]

    plans = []
    with connection.cursor() as cursor:
        for query in queries.captured_queries:
            if "debates_statement" in query["sql"]:
                cursor.execute("EXPLAIN " + query["sql"])
                plans.append("\n".join(row[0] for row in cursor.fetchall()))
    # The matches come from the GIN index; the page is read by their ids, never by
    # walking statements in date order.
    assert VECTOR_INDEX in plans[0]
    assert all("debates_statement_pkey" in plan for plan in plans[1:])
    assert not any("Seq Scan on debates_statement" in plan for plan in plans)


def test_search_document_builder_reads_lists_and_dicts_of_texts():
    assert search.document(["Peace", ["كتاب", {"ps": "سوله"}], None]) == "peace کتاب سوله"


def test_a_debate_is_found_by_its_dari_title_however_its_letters_are_typed(client, make):
    debate = make.debate(title="گفتگوی صلح در کابل")
    make.debate(title="Water rights")
    response = client.get("/search/", {"q": "گفتگوي كابل"})
    assert list(response.context["debates"]) == [debate]


def test_a_debate_renamed_is_found_by_its_new_title_only(make):
    debate = make.debate(title="Peace talks")
    debate.title = "Water rights"
    debate.save()
    assert list(Debate.objects.matching("water")) == [debate]
    assert list(Debate.objects.matching("peace")) == []


def test_past_ten_debates_the_search_page_links_to_all_of_them(client, make, monkeypatch):
    monkeypatch.setattr(views, "SEARCH_DEBATES", 2)
    for day in range(1, 4):
        make.debate(title="Peace talks", held_on=datetime.date(2015, 12, day))
    response = client.get("/search/", {"q": "peace"})
    assert [d.held_on.day for d in response.context["debates"]] == [3, 2]
    assert "All 3 debates matching “peace”" in response.content.decode()
    assert "/debates/?q=peace" in response.content.decode()
