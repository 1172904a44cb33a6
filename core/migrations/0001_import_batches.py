# ImportBatch and ImportRow move from the villages app to core; their tables keep their names,
# so this changes Django's state only (villages 0004 removes them from the villages app).

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("villages", "0003_importbatch_region_code"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ImportBatch",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("kind", models.CharField(max_length=32, verbose_name="导入内容")),
                        (
                            "status",
                            models.CharField(
                                choices=[("previewed", "待确认"), ("confirmed", "已导入")],
                                default="previewed",
                                max_length=16,
                                verbose_name="状态",
                            ),
                        ),
                        ("region_code", models.CharField(blank=True, db_index=True, max_length=12, verbose_name="导入范围代码")),
                        ("region_name", models.CharField(blank=True, max_length=100, verbose_name="导入范围")),
                        ("created_at", models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name="上传时间")),
                        ("confirmed_at", models.DateTimeField(blank=True, null=True, verbose_name="确认时间")),
                        ("file_name", models.CharField(max_length=255, verbose_name="文件名")),
                        ("file", models.FileField(blank=True, upload_to="imports/%Y/%m/", verbose_name="原始文件")),
                        ("file_size", models.PositiveIntegerField(default=0, verbose_name="文件大小")),
                        ("file_sha256", models.CharField(blank=True, max_length=64, verbose_name="文件校验值")),
                        ("total_rows", models.PositiveIntegerField(default=0, verbose_name="数据行数")),
                        ("created_count", models.PositiveIntegerField(default=0, verbose_name="新增")),
                        ("updated_count", models.PositiveIntegerField(default=0, verbose_name="修改")),
                        ("unchanged_count", models.PositiveIntegerField(default=0, verbose_name="未变")),
                        ("errors", models.JSONField(blank=True, default=list, verbose_name="错误")),
                        (
                            "created_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="import_batches",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="导入人",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "导入批次",
                        "verbose_name_plural": "导入批次",
                        "ordering": ["-created_at"],
                        "db_table": "villages_importbatch",
                    },
                ),
                migrations.CreateModel(
                    name="ImportRow",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("row_number", models.PositiveIntegerField(verbose_name="行号")),
                        ("action", models.CharField(choices=[("create", "新增"), ("update", "修改")], max_length=8, verbose_name="操作")),
                        ("key", models.CharField(max_length=64, verbose_name="键")),
                        ("values", models.JSONField(verbose_name="新值")),
                        ("diff", models.JSONField(default=dict, verbose_name="变化")),
                        (
                            "batch",
                            models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="rows", to="core.importbatch"),
                        ),
                    ],
                    options={
                        "ordering": ["row_number"],
                        "db_table": "villages_importrow",
                        "indexes": [models.Index(fields=["batch", "row_number"], name="importrow_batch_row")],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
