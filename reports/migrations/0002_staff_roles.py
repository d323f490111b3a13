"""Two staff roles as groups: data entry, and editors who may also publish reports."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

DATA_ENTRY = "Data entry"
EDITORS = "Editors"

# Data entry adds and changes debates, participants and statements, writes report
# drafts, and sees the rest; it neither deletes records nor publishes reports.
DATA_ENTRY_PERMISSIONS = [
    *(
        f"{verb}_{model}"
        for verb in ("add", "change", "view")
        for model in ("debate", "participant", "statement")
    ),
    "delete_statement",
    *(f"view_{model}" for model in ("programme", "province", "topic", "position")),
    *(
        f"{verb}_{model}"
        for verb in ("add", "change", "view")
        for model in ("report", "featuredquote")
    ),
    "delete_featuredquote",
]
CONTENT_MODELS = {
    "debates": ["programme", "province", "topic", "position", "participant", "debate", "statement"],
    "reports": ["report", "featuredquote"],
}


def ensure_permissions(apps):
    # Permissions are normally created after all migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def create_roles(apps, schema_editor):
    ensure_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    content = Permission.objects.filter(
        content_type__app_label__in=CONTENT_MODELS,
        content_type__model__in=[m for models in CONTENT_MODELS.values() for m in models],
    )
    editors, _ = Group.objects.get_or_create(name=EDITORS)
    editors.permissions.set(content)

    data_entry, _ = Group.objects.get_or_create(name=DATA_ENTRY)
    data_entry.permissions.set(content.filter(codename__in=DATA_ENTRY_PERMISSIONS))


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[DATA_ENTRY, EDITORS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("debates", "0002_provinces_of_afghanistan"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
