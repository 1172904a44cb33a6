from pathlib import Path

import dj_database_url
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a backup written by `manage.py backup` into an EMPTY database (refused if it has "
        "tables) and its uploaded files into the media directory (a different file of the same "
        "name is refused), then check every table's row count and every file's checksum against "
        "the backup's manifest. Without --database-url the configured database is the target."
    )

    def add_arguments(self, parser):
        parser.add_argument("backup", help="the .tar file written by `manage.py backup`")
        parser.add_argument(
            "--database-url", help="restore into this database instead, e.g. postgres://user@host/newdb or sqlite:////path/new.sqlite3"
        )
        parser.add_argument("--media-root", help="unpack the uploaded files here instead of MEDIA_ROOT")

    def handle(self, *args, backup, database_url=None, media_root=None, **options):
        database = dj_database_url.parse(database_url) if database_url else settings.DATABASES["default"]
        try:
            result = restore(Path(backup), database, Path(media_root or settings.MEDIA_ROOT))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"已恢复并核对：{result.tables} 张表，{result.rows} 行；{result.files} 个上传文件。")
