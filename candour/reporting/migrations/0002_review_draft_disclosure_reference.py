import uuid

from django.db import migrations, models


def give_each_disclosure_a_reference(apps, schema_editor):
    Disclosure = apps.get_model("reporting", "Disclosure")
    for disclosure in Disclosure.objects.filter(reference__isnull=True).only("pk"):
        Disclosure.objects.filter(pk=disclosure.pk).update(reference=uuid.uuid4())


class Migration(migrations.Migration):
    """Saved reviews; disclosure requests addressed by UUID, not by integer id; the coding's
    "how detected" from a fixed list. Existing disclosures get a reference before the column
    becomes unique (the usual three steps for a unique column on existing rows)."""

    dependencies = [("reporting", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="report", name="review_draft", field=models.BinaryField(null=True)
        ),
        migrations.AddField(
            model_name="disclosure",
            name="reference",
            field=models.UUIDField(null=True, editable=False),
        ),
        migrations.RunPython(give_each_disclosure_a_reference, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="disclosure",
            name="reference",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
        migrations.AlterField(
            model_name="coding",
            name="detection",
            field=models.CharField(
                choices=[
                    ("supervision", "Supervision"),
                    ("colleague", "A colleague"),
                    ("reporter", "The reporter themselves"),
                    ("other_agency", "Another agency"),
                    ("family_child", "The family or child"),
                    ("system_check", "A system check or audit"),
                    ("other", "Other"),
                ],
                max_length=30,
            ),
        ),
    ]
