"""Debates keep a normalised search document too, with its indexed vector on PostgreSQL.

Their documents are filled here; on PostgreSQL a generated ``tsvector`` column and its
GIN index let search find a debate by a word without reading every debate. The
newest-first index gains the id, the last sort key of every list of debates.
"""

from django.db import migrations, models

import debates.search
from debates.search import DEBATE_VECTOR_INDEX, add_vector, refresh_documents, remove_vector

TABLE = "debates_debate"


def fill_documents(apps, schema_editor):
    debate = apps.get_model("debates", "Debate")
    refresh_documents(
        debate.objects.using(schema_editor.connection.alias).all(),
        ("title", "summary", "district", "venue"),
        schema_editor.connection,
    )


def add(apps, schema_editor):
    add_vector(schema_editor, TABLE, DEBATE_VECTOR_INDEX)


def remove(apps, schema_editor):
    remove_vector(schema_editor, TABLE)


class Migration(migrations.Migration):
    dependencies = [("debates", "0015_statement_withheld_index")]

    operations = [
        migrations.RemoveIndex(model_name="debate", name="debate_status_held_idx"),
        migrations.AddField(
            model_name="debate",
            name="search_document",
            field=debates.search.SearchDocumentField(
                blank=True, default="", editable=False, verbose_name="search document"
            ),
        ),
        migrations.AddIndex(
            model_name="debate",
            index=models.Index(fields=["status", "-held_on", "-id"], name="debate_status_held_idx"),
        ),
        migrations.RunPython(fill_documents, migrations.RunPython.noop),
        migrations.RunPython(add, remove),
    ]
