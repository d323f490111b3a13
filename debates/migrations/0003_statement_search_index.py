"""A GIN index for full-text search of statements, on PostgreSQL only.

The index is built on ``statement_search_vector()``, the very expression that
``StatementQuerySet.search()`` filters on, so PostgreSQL uses it. SQLite has no GIN
indexes and searches without one, so the index lives here rather than in the model's
Meta (which would apply it to every database).
"""

from django.contrib.postgres.indexes import GinIndex
from django.db import migrations

from debates.models import statement_search_vector

INDEX_NAME = "statement_search_idx"


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
