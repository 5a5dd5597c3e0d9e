"""Gunicorn's settings for the web service: `gunicorn tracker.wsgi -c python:tracker.gunicorn`.

Sync workers serve one request at a time each, and a request spends part of its time
waiting on PostgreSQL: two workers per core and one more keep every core busy (gunicorn's
own advice). With one worker, 50 users at a request every 1-3 s queued for seconds
(bench/load.py, docs/performance.md). WEB_CONCURRENCY overrides the number.
"""

import multiprocessing
import os

workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() * 2 + 1)
