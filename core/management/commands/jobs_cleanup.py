"""Delete expired export files now (the worker does it every hour; cron may run this too)."""

from django.core.management.base import BaseCommand

from core.jobs import jobs_cleanup, jobs_reconcile


class Command(BaseCommand):
    help = "Delete the files of background exports past their keeping time (JOBS_KEEP_DAYS) and fail jobs whose worker died."

    def handle(self, *args, **options):
        failed = jobs_reconcile()
        deleted = jobs_cleanup()
        self.stdout.write(f"{deleted} expired export files deleted, {failed} interrupted jobs marked failed.")
