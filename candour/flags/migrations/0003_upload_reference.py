import uuid

from django.db import migrations, models


def give_each_upload_a_reference(apps, schema_editor):
    Upload = apps.get_model("flags", "Upload")
    for upload in Upload.objects.filter(reference__isnull=True).only("pk"):
        Upload.objects.filter(pk=upload.pk).update(reference=uuid.uuid4())


class Migration(migrations.Migration):
    """Uploads addressed by UUID on the pages, not by integer id (existing rows get one
    before the column becomes unique)."""

    dependencies = [("flags", "0002_lookups_notifications")]

    operations = [
        migrations.AddField(
            model_name="upload", name="reference", field=models.UUIDField(null=True, editable=False)
        ),
        migrations.RunPython(give_each_upload_a_reference, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="upload",
            name="reference",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
    ]
