"""The background worker: django-tasks-db's ``db_worker`` (takes queued tasks from the database
and runs them, one at a time per process; run as many processes as there are cores to spare),
plus a housekeeping thread — a heartbeat that /healthz reads, the pass that fails jobs whose
worker died, and the hourly cleanup of expired export files (core.jobs.Housekeeper).

    manage.py jobs_worker                 # what `make run` and deploy/first-secretary-worker.service start
    manage.py jobs_worker --batch         # run what is queued, then exit (tests, cron)
"""

from __future__ import annotations

import os

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from core.jobs import Housekeeper


class Command(DatabaseWorkerCommand):
    help = "Run the background jobs worker (exports), with its heartbeat and the cleanup of expired files."

    def handle(self, *args, **options):
        # With --reload the first process only watches files and restarts the second, which works.
        housekeeper = None
        if not options["reload"] or os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
            housekeeper = Housekeeper(options["worker_id"])
            housekeeper.start()
        try:
            super().handle(*args, **options)
        finally:
            if housekeeper is not None:
                housekeeper.stopping.set()
                housekeeper.join(timeout=5)
