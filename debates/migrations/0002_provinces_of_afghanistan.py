"""The 34 provinces of Afghanistan with their ISO 3166-2 codes and Dari names."""

from django.db import migrations

PROVINCES = [
    ("AF-BDS", "Badakhshan", "بدخشان"),
    ("AF-BDG", "Badghis", "بادغیس"),
    ("AF-BGL", "Baghlan", "بغلان"),
    ("AF-BAL", "Balkh", "بلخ"),
    ("AF-BAM", "Bamyan", "بامیان"),
    ("AF-DAY", "Daykundi", "دایکندی"),
    ("AF-FRA", "Farah", "فراه"),
    ("AF-FYB", "Faryab", "فاریاب"),
    ("AF-GHA", "Ghazni", "غزنی"),
    ("AF-GHO", "Ghor", "غور"),
    ("AF-HEL", "Helmand", "هلمند"),
    ("AF-HER", "Herat", "هرات"),
    ("AF-JOW", "Jowzjan", "جوزجان"),
    ("AF-KAB", "Kabul", "کابل"),
    ("AF-KAN", "Kandahar", "کندهار"),
    ("AF-KAP", "Kapisa", "کاپیسا"),
    ("AF-KHO", "Khost", "خوست"),
    ("AF-KNR", "Kunar", "کنر"),
    ("AF-KDZ", "Kunduz", "کندز"),
    ("AF-LAG", "Laghman", "لغمان"),
    ("AF-LOG", "Logar", "لوگر"),
    ("AF-NAN", "Nangarhar", "ننگرهار"),
    ("AF-NIM", "Nimroz", "نیمروز"),
    ("AF-NUR", "Nuristan", "نورستان"),
    ("AF-PKA", "Paktika", "پکتیکا"),
    ("AF-PIA", "Paktia", "پکتیا"),
    ("AF-PAN", "Panjshir", "پنجشیر"),
    ("AF-PAR", "Parwan", "پروان"),
    ("AF-SAM", "Samangan", "سمنگان"),
    ("AF-SAR", "Sar-e Pul", "سرپل"),
    ("AF-TAK", "Takhar", "تخار"),
    ("AF-URU", "Uruzgan", "ارزگان"),
    ("AF-WAR", "Wardak", "وردک"),
    ("AF-ZAB", "Zabul", "زابل"),
]


def slugify_name(name):
    return name.lower().replace(" ", "-")


def add_provinces(apps, schema_editor):
    Province = apps.get_model("debates", "Province")
    for code, name, name_fa in PROVINCES:
        Province.objects.update_or_create(
            code=code, defaults={"name": name, "name_fa": name_fa, "slug": slugify_name(name)}
        )


def remove_provinces(apps, schema_editor):
    Province = apps.get_model("debates", "Province")
    Province.objects.filter(code__in=[code for code, _, _ in PROVINCES]).delete()


class Migration(migrations.Migration):
    dependencies = [("debates", "0001_initial")]

    operations = [migrations.RunPython(add_provinces, remove_provinces)]
