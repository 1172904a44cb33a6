import datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Write a consistent backup of the database (pg_dump on PostgreSQL, the online backup API "
        "on SQLite) and of the uploaded files into one .tar file, with a manifest of every table's "
        "row count and every file's checksum. Users may keep working while it runs. Restore it "
        "with `manage.py restore`."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "output",
            nargs="?",
            help="the .tar file to write (default: backups/first-secretary-<date-time>.tar); never overwritten",
        )

    def handle(self, *args, output=None, **options):
        if output is None:
            stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
            output = Path(settings.BASE_DIR) / "backups" / f"first-secretary-{stamp}.tar"
            output.parent.mkdir(exist_ok=True)
        try:
            result = backup(Path(output))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"已备份：{result.path}（{result.tables} 张表，{result.rows} 行；{result.files} 个上传文件）")
