"""Statements keep a normalised search document; PostgreSQL a stored, indexed vector of it.

The document is filled here for existing statements, in batches. On PostgreSQL a
``tsvector`` column generated from it (so the database keeps it current) and its GIN
index replace the expression index of migration 0003, whose vector was computed again
for every row a search counted. SQLite gets the document only: it has no GIN indexes.
"""

from django.db import migrations

import debates.search
from debates.search import SEARCH_CONFIG, VECTOR_COLUMN, VECTOR_INDEX

OLD_INDEX = "statement_search_idx"


def fill_documents(apps, schema_editor):
    statement = apps.get_model("debates", "Statement")
    debates.search.refresh_documents(
        statement.objects.using(schema_editor.connection.alias).all(),
        ("text", "original_text"),
        schema_editor.connection,
    )


def add_vector(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {OLD_INDEX}")
    schema_editor.execute(
        f"ALTER TABLE debates_statement ADD COLUMN {VECTOR_COLUMN} tsvector GENERATED ALWAYS "
        f"AS (to_tsvector('{SEARCH_CONFIG}'::regconfig, search_document)) STORED"
    )
    schema_editor.execute(
        f"CREATE INDEX {VECTOR_INDEX} ON debates_statement USING gin ({VECTOR_COLUMN})"
    )


def remove_vector(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE debates_statement DROP COLUMN {VECTOR_COLUMN}")
    schema_editor.execute(
        f"CREATE INDEX {OLD_INDEX} ON debates_statement USING gin "
        "(to_tsvector('simple'::regconfig, COALESCE(text, '') || ' ' || COALESCE(original_text, '')))"
    )


class Migration(migrations.Migration):
    dependencies = [("debates", "0011_pashto_province_names")]

    operations = [
        migrations.AddField(
            model_name="statement",
            name="search_document",
            field=debates.search.SearchDocumentField(
                blank=True, default="", editable=False, verbose_name="search document"
            ),
        ),
        migrations.RunPython(fill_documents, migrations.RunPython.noop),
        migrations.RunPython(add_vector, remove_vector),
    ]
