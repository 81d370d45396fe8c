import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from doorstep.core.scheduler import PERIODIC_JOBS, scheduler_tick


class Command(BaseCommand):
    help = "Enqueue periodic jobs (idempotent per time slot; safe to run two at once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="One tick, then exit.")
        parser.add_argument("--interval", type=int, default=15, help="Seconds between ticks.")

    def handle(self, *args: Any, once: bool, interval: int, **options: Any) -> None:
        self.stdout.write(f"Scheduler: {', '.join(sorted(PERIODIC_JOBS)) or 'no jobs'}")
        while True:
            for name in scheduler_tick():
                self.stdout.write(f"enqueued {name}")
            if once:
                return
            time.sleep(interval)
