# The import batch keeps its importer's region as a division code and a name instead of a key to
# Region, so that the import machinery (moved to core in the next migration) depends on no app.

from django.db import migrations, models


def copy_region(apps, schema_editor):
    ImportBatch = apps.get_model("villages", "ImportBatch")
    for batch in ImportBatch.objects.exclude(region=None).select_related("region"):
        batch.region_code, batch.region_name = batch.region.code, batch.region.name
        batch.save(update_fields=["region_code", "region_name"])


class Migration(migrations.Migration):
    dependencies = [
        ("villages", "0002_villages_and_imports"),
    ]

    operations = [
        migrations.AddField(
            model_name="importbatch",
            name="region_code",
            field=models.CharField(blank=True, db_index=True, max_length=12, verbose_name="导入范围代码"),
        ),
        migrations.AddField(
            model_name="importbatch",
            name="region_name",
            field=models.CharField(blank=True, max_length=100, verbose_name="导入范围"),
        ),
        migrations.RunPython(copy_region, migrations.RunPython.noop),
        migrations.RemoveField(model_name="importbatch", name="region"),
        migrations.AlterField(
            model_name="importbatch",
            name="status",
            field=models.CharField(
                choices=[("previewed", "待确认"), ("confirmed", "已导入")], default="previewed", max_length=16, verbose_name="状态"
            ),
        ),
    ]
