import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from dispatch.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, load_demo
from dispatch.models import Role, User
from reports.demo import load_demo_submissions
from secretaries.demo import load_demo_postings
from tenure.demo import load_demo_tenure


class Command(BaseCommand):
    help = (
        "Load the demo data set: one account per role, each scoped to a real place, the demo village "
        "categories, and the 2015 campaign's 9,395 secretaries in office with candidates waiting at every "
        "earlier step, all walked through the pipeline's services, and 忻州市's county ledgers but 岢岚县's "
        "submitted and accepted (about half a minute). Prints the "
        "accounts. Needs the reference data (load_reference_data) first. Refused in production mode; a "
        "second run changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--quiet-accounts", action="store_true", help="do not print the account table")
        parser.add_argument(
            "--accounts-only", action="store_true", help="load the accounts and village categories, not the secretaries and ledgers"
        )

    def handle(self, *args, quiet_accounts: bool = False, accounts_only: bool = False, **options):
        if settings.PRODUCTION:
            raise CommandError("生产模式下不能加载演示数据（演示账号的密码是公开的）。")
        created = load_demo()
        self.stdout.write(f"演示数据：新增 {len(created)} 项" + (f"（{'、'.join(created)}）" if created else "，已是最新"))
        if not accounts_only:
            started = time.monotonic()
            moved = load_demo_postings(province_user=User.objects.get(username="shengzzb"))
            if moved:
                with connection.cursor() as cursor:
                    # Fresh statistics for the planner: without them the first report queries on
                    # PostgreSQL choose nested loops over ten thousand postings.
                    cursor.execute("ANALYZE")
                self.stdout.write(
                    f"演示选派记录：报名 {moved['apply']} 人，履岗任职 {moved['take_office']} 人，"
                    f"其余在各环节待办（{time.monotonic() - started:.0f} 秒）"
                )
            started = time.monotonic()
            tenure = load_demo_tenure(password=DEMO_PASSWORD)
            if tenure:
                self.stdout.write(
                    f"演示驻村管理（2016年）：民情日记 {tenure['diary']} 篇，请假 {tenure['leave']} 次，巡查抽查 {tenure['inspection']} 次，"
                    f"月度确认 {tenure['month']} 个月（{time.monotonic() - started:.0f} 秒）"
                )
            submitted = load_demo_submissions()
            if submitted:
                self.stdout.write(f"演示台账报送：忻州市 {submitted} 个县（区）已报送并被接收，岢岚县待报送")
        if not quiet_accounts:
            self.stdout.write(f"\n演示账号（密码均为 {DEMO_PASSWORD}）：")
            users = User.objects.select_related("region__parent__parent", "unit").in_bulk(
                [a.username for a in DEMO_ACCOUNTS], field_name="username"
            )
            for a in DEMO_ACCOUNTS:
                if a.username in users:  # shuji: once the postings are loaded
                    self.stdout.write(f"  {a.username:<10} {Role(a.role).label}\t{users[a.username].scope_label}")
            if not accounts_only:
                self.stdout.write(
                    "  另有各市、县委组织部账号 shi<区划代码>、xian<区划代码>（如 xian140930 河曲县），各派出单位账号 dw<编号>，"
                    "岢岚县各乡镇党委账号 xiang<区划代码>，密码相同。"
                )
