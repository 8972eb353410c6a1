from django.db import migrations


class Migration(migrations.Migration):
    """Failed sign-ins no longer lock an address: past the limit they ask for the security
    code with the password until ``step_up_until`` (ADR 0016)."""

    dependencies = [("accounts", "0002_case_reference_patterns")]

    operations = [
        migrations.RenameField(
            model_name="signinthrottle", old_name="locked_until", new_name="step_up_until"
        ),
    ]
