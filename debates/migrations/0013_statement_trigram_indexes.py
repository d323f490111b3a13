"""Trigram indexes for the admin's search of statements (PostgreSQL only).

The admin looks for each word anywhere in a statement's text, original text and key
(``icontains``, which Django writes as ``UPPER(column) LIKE UPPER('%word%')``); a GIN
index of trigrams of the same ``UPPER(...)`` expression serves it, where a plain index
cannot. The public search has its own full-text index (migration 0012). Built
concurrently: a database of a million statements keeps taking writes meanwhile.
SQLite has no such index and searches by scanning, which is fine at its sizes.
"""

from django.db import migrations

INDEXES = {
    "statement_text_trgm": "UPPER(text)",
    "statement_original_text_trgm": "UPPER(original_text)",
    "statement_key_trgm": "UPPER(key::text)",
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, expression in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} "
            f"ON debates_statement USING gin ({expression} gin_trgm_ops)"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY cannot run in a transaction.
    atomic = False

    dependencies = [("debates", "0012_statement_search_document")]

    operations = [migrations.RunPython(create_indexes, drop_indexes, elidable=False)]
