import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Count

STATUSES = [
    ("received", "Received"),
    ("applying", "Being applied"),
    ("applied", "Applied"),
    ("malformed", "Malformed"),
]
FILE_RESULTS = [
    ("all_loaded", "All lines loaded"),
    ("partly_loaded", "Some lines loaded"),
    ("nothing_loaded", "No lines loaded"),
    ("malformed", "File malformed: nothing read"),
]
LINE_RESULTS = [
    ("loaded", "Loaded"),
    ("plan_ended", "Plan ended"),
    ("plan_deleted", "Plan deleted"),
    ("invalid_identifier", "Not a valid identifier"),
    ("identifier_checksum_wrong", "Identifier check digit wrong"),
    ("missing_mandatory_field", "Mandatory field missing"),
    ("value_too_long", "Value too long"),
    ("invalid_date", "Date not YYYY-MM-DD"),
    ("date_inconsistent", "Dates inconsistent"),
    ("duplicate_in_file", "Same identifier and plan earlier in the file"),
    ("unknown_plan_type", "Unknown plan type"),
    ("unknown_action", "Unknown action"),
    ("plan_not_found", "No such plan held"),
    ("plan_already_ended", "Plan already ended"),
    ("other_authority", "Record held by another local authority"),
]
PLAN_TYPES = [
    ("CPP", "Child protection plan"),
    ("LAC", "Looked after child"),
    ("UNBORN_CPP", "Unborn child subject to a child protection plan"),
]


def mark_earlier_uploads(apps, schema_editor):
    """Uploads made before this were applied in the request: applied, or malformed (which now
    leaves its sequence number free), with their counts by result."""
    Upload = apps.get_model("flags", "Upload")
    UploadLine = apps.get_model("flags", "UploadLine")
    Upload.objects.filter(result="malformed").update(status="malformed")
    for upload in Upload.objects.exclude(result="malformed").only("pk"):
        counts = dict(
            UploadLine.objects.filter(upload_id=upload.pk)
            .values_list("result")
            .annotate(n=Count("id"))
            .values_list("result", "n")
        )
        Upload.objects.filter(pk=upload.pk).update(status="applied", result_counts=counts)


class Migration(migrations.Migration):
    """Uploads applied by the worker in short chunks, with a lifecycle (ADR 0015): the file is
    kept until applied, a malformed file no longer holds its sequence number, and a refused
    upsert for another authority's child points at that record for its holder."""

    dependencies = [("flags", "0003_upload_reference")]

    operations = [
        migrations.RemoveConstraint(model_name="upload", name="unique_upload_sequence"),
        migrations.AddField(
            model_name="upload",
            name="status",
            field=models.CharField(choices=STATUSES, default="received", max_length=16),
        ),
        migrations.AddField(
            model_name="upload",
            name="accepts_test_numbers",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(model_name="upload", name="data", field=models.BinaryField(null=True)),
        migrations.AddField(
            model_name="upload",
            name="lines_done",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="upload",
            name="result_counts",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AlterField(
            model_name="upload",
            name="result",
            field=models.CharField(blank=True, choices=FILE_RESULTS, max_length=16),
        ),
        migrations.AddField(
            model_name="uploadline",
            name="plan_type",
            field=models.CharField(blank=True, choices=PLAN_TYPES, max_length=12),
        ),
        migrations.AddField(
            model_name="uploadline",
            name="subject",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="flags.subject",
            ),
        ),
        migrations.AlterField(
            model_name="uploadline",
            name="result",
            field=models.CharField(choices=LINE_RESULTS, max_length=32),
        ),
        migrations.RunPython(mark_earlier_uploads, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="upload",
            index=models.Index(fields=["organisation", "sequence"], name="flag_upload_sequence"),
        ),
        migrations.AddConstraint(
            model_name="upload",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "malformed"), _negated=True),
                fields=("organisation", "sequence"),
                name="one_upload_per_sequence",
            ),
        ),
    ]
