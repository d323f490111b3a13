"""Run by the migrations that add history: one record of every existing row.

Without it the first change after the upgrade would show no old values. Rows are read
and written in batches, so a database of a million statements takes memory for one.
"""

from django.utils import timezone

BATCH = 2000
ACTOR = "history started"


def record_existing(app_label, model_names):
    def run(apps, schema_editor):
        now = timezone.now()
        for name in model_names:
            model = apps.get_model(app_label, name)
            historical = apps.get_model(app_label, f"Historical{name}")
            names = [f.attname for f in model._meta.concrete_fields]
            batch = []
            for values in model.objects.order_by("pk").values(*names).iterator(BATCH):
                batch.append(
                    historical(
                        history_date=now,
                        history_type="+",
                        actor=ACTOR,
                        history_change_reason="State when history began",
                        **values,
                    )
                )
                if len(batch) >= BATCH:
                    historical.objects.bulk_create(batch)
                    batch = []
            historical.objects.bulk_create(batch)

    return run
