"""Pashto names of the 34 provinces, in Afghan Pashto spelling (ګ, ړ, ډ, final ي).

Awaiting review by a native speaker: docs/glossary.md lists them.
"""

from django.db import migrations

PASHTO_NAMES = {
    "AF-BDS": "بدخشان",
    "AF-BDG": "بادغیس",
    "AF-BGL": "بغلان",
    "AF-BAL": "بلخ",
    "AF-BAM": "بامیان",
    "AF-DAY": "دایکنډي",
    "AF-FRA": "فراه",
    "AF-FYB": "فاریاب",
    "AF-GHA": "غزني",
    "AF-GHO": "غور",
    "AF-HEL": "هلمند",
    "AF-HER": "هرات",
    "AF-JOW": "جوزجان",
    "AF-KAB": "کابل",
    "AF-KAN": "کندهار",
    "AF-KAP": "کاپیسا",
    "AF-KHO": "خوست",
    "AF-KNR": "کونړ",
    "AF-KDZ": "کندز",
    "AF-LAG": "لغمان",
    "AF-LOG": "لوګر",
    "AF-NAN": "ننګرهار",
    "AF-NIM": "نیمروز",
    "AF-NUR": "نورستان",
    "AF-PKA": "پکتیکا",
    "AF-PIA": "پکتیا",
    "AF-PAN": "پنجشیر",
    "AF-PAR": "پروان",
    "AF-SAM": "سمنګان",
    "AF-SAR": "سرپل",
    "AF-TAK": "تخار",
    "AF-URU": "ارزګان",
    "AF-WAR": "وردګ",
    "AF-ZAB": "زابل",
}


def add_pashto_names(apps, schema_editor):
    Province = apps.get_model("debates", "Province")
    for code, name_ps in PASHTO_NAMES.items():
        Province.objects.filter(code=code, name_ps="").update(name_ps=name_ps)


def remove_pashto_names(apps, schema_editor):
    Province = apps.get_model("debates", "Province")
    for code, name_ps in PASHTO_NAMES.items():
        Province.objects.filter(code=code, name_ps=name_ps).update(name_ps="")


class Migration(migrations.Migration):
    dependencies = [("debates", "0010_statement_correction")]

    operations = [migrations.RunPython(add_pashto_names, remove_pashto_names)]
