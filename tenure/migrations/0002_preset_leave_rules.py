"""The notice leaves the approval of leave to each county's rules; the preset is the common one:
up to 3 working days by the township committee, longer by the county organization department
with the dispatching unit informed. The administrator edits the thresholds."""

from django.db import migrations


def preset(apps, schema_editor):
    rule = apps.get_model("tenure", "LeaveApprovalRule")
    if not rule.objects.exists():
        rule.objects.create(max_working_days=3, approver_role="township", inform_unit=False)
        rule.objects.create(max_working_days=None, approver_role="county_org", inform_unit=True)


class Migration(migrations.Migration):
    dependencies = [("tenure", "0001_time_in_office")]

    operations = [migrations.RunPython(preset, migrations.RunPython.noop)]
