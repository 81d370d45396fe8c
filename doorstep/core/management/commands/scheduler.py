import logging
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import Error as DatabaseError
from django.db import close_old_connections

from doorstep.core.management.commands.worker import MAX_PAUSE_SECONDS, connections_drop
from doorstep.core.scheduler import PERIODIC_JOBS, scheduler_tick
from doorstep.core.task_leases import tasks_requeue_expired

log = logging.getLogger("doorstep.scheduler")


class Command(BaseCommand):
    help = "Enqueue periodic jobs (idempotent per time slot; safe to run two at once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="One tick, then exit.")
        parser.add_argument("--interval", type=int, default=15, help="Seconds between ticks.")

    def handle(self, *args: Any, once: bool, interval: int, **options: Any) -> None:
        self.stdout.write(f"Scheduler: {', '.join(sorted(PERIODIC_JOBS)) or 'no jobs'}")
        pause = float(interval)
        while True:
            try:
                self.tick()
                pause = float(interval)
            except DatabaseError as exc:
                # A dropped connection (failover, pooler restart) or a locked SQLite file:
                # never a reason to stop scheduling. Reconnect at the next tick.
                if once:
                    raise
                log.warning("scheduler: database unavailable (%s); retrying", exc)
                connections_drop()
                pause = min(pause * 2, MAX_PAUSE_SECONDS)
            except Exception:
                # Under honcho one exiting process stops them all: log and keep ticking.
                if once:
                    raise
                log.exception("scheduler: tick failed; retrying")
                pause = min(pause * 2, MAX_PAUSE_SECONDS)
            if once:
                return
            time.sleep(pause)

    def tick(self) -> None:
        close_old_connections()  # a persistent connection is health-checked before reuse
        for name in scheduler_tick():
            self.stdout.write(f"enqueued {name}", ending="\n")
        requeued = tasks_requeue_expired()
        if requeued:
            self.stdout.write(f"queued again {requeued} task(s) whose worker died")
        self.stdout.flush()
