from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from dispatch.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, load_demo
from dispatch.models import Role, User


class Command(BaseCommand):
    help = (
        "Load the demo data set (one account per role, each scoped to a real place) and print the "
        "accounts. Needs the reference data (load_reference_data) first. Refused in production mode; a second run changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--quiet-accounts", action="store_true", help="do not print the account table")

    def handle(self, *args, quiet_accounts: bool = False, **options):
        if settings.PRODUCTION:
            raise CommandError("生产模式下不能加载演示数据（演示账号的密码是公开的）。")
        created = load_demo()
        self.stdout.write(f"演示数据：新增 {len(created)} 项" + (f"（{'、'.join(created)}）" if created else "，已是最新"))
        if not quiet_accounts:
            self.stdout.write(f"\n演示账号（密码均为 {DEMO_PASSWORD}）：")
            users = User.objects.select_related("region__parent__parent", "unit").in_bulk(
                [a.username for a in DEMO_ACCOUNTS], field_name="username"
            )
            for a in DEMO_ACCOUNTS:
                self.stdout.write(f"  {a.username:<10} {Role(a.role).label}\t{users[a.username].scope_label}")
