import secrets

from django.db import migrations, models

import candour.reporting.models


def _new_key(taken: set[int]) -> int:
    while True:
        key = secrets.randbits(63) or 1
        if key not in taken:
            taken.add(key)
            return key


def rekey_existing_rows(apps, schema_editor):
    """Give reports and messages made before this migration random keys too, so the old
    sequential numbers date nothing. Foreign keys are deferred on both databases, so the
    rows that point at a report move with it inside this migration's transaction."""
    Report = apps.get_model("reporting", "Report")
    Message = apps.get_model("reporting", "Message")
    dependants = [
        apps.get_model("reporting", name) for name in ("Message", "Coding", "Disclosure", "SafetyAlert")
    ]
    taken = set(Report.objects.values_list("pk", flat=True))
    for old in sorted(taken.copy()):
        new = _new_key(taken)
        for model in dependants:
            model.objects.filter(report_id=old).update(report_id=new)
        Report.objects.filter(pk=old).update(id=new)
    taken = set(Message.objects.values_list("pk", flat=True))
    for old in sorted(taken.copy()):
        Message.objects.filter(pk=old).update(id=_new_key(taken))


class Migration(migrations.Migration):
    """Random primary keys for reports and messages (the Nth report was the Nth POST in a
    time-stamped access log); no more receipt-attempt rows, which dated every typo: wrong
    receipts are now counted per client in memory only (ADR 0016)."""

    dependencies = [("reporting", "0002_review_draft_disclosure_reference")]

    operations = [
        migrations.DeleteModel(name="ReceiptThrottle"),
        migrations.AlterField(
            model_name="message",
            name="id",
            field=models.BigIntegerField(
                default=candour.reporting.models.random_key,
                editable=False,
                primary_key=True,
                serialize=False,
            ),
        ),
        migrations.AlterField(
            model_name="report",
            name="id",
            field=models.BigIntegerField(
                default=candour.reporting.models.random_key,
                editable=False,
                primary_key=True,
                serialize=False,
            ),
        ),
        migrations.RunPython(rekey_existing_rows, migrations.RunPython.noop),
    ]
