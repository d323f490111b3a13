"""A GIN index for full-text search of statements, on PostgreSQL only.

The index was built on the very expression ``StatementQuerySet.search()`` filtered on,
so PostgreSQL used it; migration 0012 replaces it with a stored, indexed vector. SQLite has no GIN
indexes and searches without one, so the index lives here rather than in the model's
Meta (which would apply it to every database).
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

INDEX_NAME = "statement_search_idx"


def statement_search_vector():
    return SearchVector("text", "original_text", config="simple")


def add_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    statement = apps.get_model("debates", "Statement")
    schema_editor.add_index(statement, GinIndex(statement_search_vector(), name=INDEX_NAME))


def remove_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    statement = apps.get_model("debates", "Statement")
    schema_editor.remove_index(statement, GinIndex(statement_search_vector(), name=INDEX_NAME))


class Migration(migrations.Migration):
    dependencies = [("debates", "0002_provinces_of_afghanistan")]

    operations = [migrations.RunPython(add_index, remove_index)]
