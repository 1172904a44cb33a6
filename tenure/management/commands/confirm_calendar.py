"""Mark the hand-entered calendar days that the installed chinesecalendar package now agrees
with (run after upgrading the package)."""

from django.core.management.base import BaseCommand

from tenure.calendar import calendar_confirm_by_package


class Command(BaseCommand):
    help = "将手工录入、且节假日数据包已覆盖并一致的日期标记为“日历包已确认”。"

    def handle(self, *args, **options):
        result = calendar_confirm_by_package()
        self.stdout.write(f"确认 {len(result.confirmed)} 天。")
        if result.disagreeing:
            days = "、".join(f"{d:%Y-%m-%d}" for d in result.disagreeing)
            self.stdout.write(self.style.WARNING(f"与数据包不一致、仍以手工录入为准的日期：{days}"))
        if result.uncovered:
            years = sorted({d.year for d in result.uncovered})
            self.stdout.write(f"数据包尚未覆盖的年份：{'、'.join(str(y) for y in years)}")
