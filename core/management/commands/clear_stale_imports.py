from django.core.management.base import BaseCommand

from core.importing import clear_stale_previews


class Command(BaseCommand):
    help = (
        "Delete import previews that nobody confirmed within an hour, with their staged rows and "
        "uploaded files. Each new preview does this too; run it from cron to clear them sooner."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"已清除 {clear_stale_previews()} 个过期的导入预览。")
