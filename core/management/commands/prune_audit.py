"""Delete audit-trail and access-log rows older than AUDIT_RETENTION_DAYS (at least 180 days:
等保 2.0). Younger rows are never deleted, whatever is asked. Run it daily from cron."""

from django.core.management.base import BaseCommand, CommandError

from core import audit


class Command(BaseCommand):
    help = "删除超过保留期限的审计记录和个人信息查看记录（保留期限不少于180天）。"

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None, help="保留天数（默认取 AUDIT_RETENTION_DAYS，不得少于180）")

    def handle(self, *args, days=None, **options):
        try:
            removed = audit.prune(days=days)
        except ValueError as e:
            raise CommandError(str(e)) from None
        total = sum(removed.values())
        for table, count in removed.items():
            if count:
                self.stdout.write(f"{table}: {count}")
        self.stdout.write(f"共删除 {total} 条超过保留期限的记录。")
