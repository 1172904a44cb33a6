"""gunicorn settings for one application server (`gunicorn -c deploy/gunicorn.conf.py
dispatch.wsgi`). Several servers run side by side against one PostgreSQL and one media
directory; nothing here is per-server state. Every value can be set from the environment."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Synchronous workers: the pages are database-bound and short; (2 × cores) + 1 is gunicorn's advice.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
# Exports stream from the first row, so a long one keeps sending; a request that sends nothing
# for this long is stuck and its worker is replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so that a slow leak never becomes an outage.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
# Heartbeat files in memory, not on a disk that may stall.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# The application logs one JSON line per request itself (core.requestlog); gunicorn's own
# access log would say the same twice.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# nginx on the same machine sets X-Forwarded-Proto; believe it only from there.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
proc_name = "first-secretary"
