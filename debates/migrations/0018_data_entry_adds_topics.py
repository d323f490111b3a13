"""Data entry adds topics and their positions (Topic.change_refusal limits the changes)."""

from django.db import migrations

DATA_ENTRY = "Data entry"
PERMISSIONS = ["add_topic", "change_topic", "add_position", "change_position", "delete_position"]


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=DATA_ENTRY)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="debates", codename__in=PERMISSIONS)
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name=DATA_ENTRY):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="debates", codename__in=PERMISSIONS)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("debates", "0017_translations"),
        # The staff groups, with the permissions they are made of.
        ("reports", "0002_staff_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
