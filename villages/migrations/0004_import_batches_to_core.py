# ImportBatch and ImportRow now belong to core (core 0001); their tables stay. The content type
# follows, so that permissions granted on it (view_importbatch) keep their rows.

import django.db.models.deletion
from django.db import migrations, models


def move_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in ("importbatch", "importrow"):
        if not ContentType.objects.filter(app_label="core", model=model).exists():
            ContentType.objects.filter(app_label="villages", model=model).update(app_label="core")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("villages", "0003_importbatch_region_code"),
        ("core", "0001_import_batches"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="villagecategorychange",
                    name="import_batch",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="category_changes",
                        to="core.importbatch",
                        verbose_name="导入批次",
                    ),
                ),
                migrations.DeleteModel(name="ImportRow"),
                migrations.DeleteModel(name="ImportBatch"),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, migrations.RunPython.noop),
    ]
