"""One import of a spreadsheet: the rows as read and checked at upload (so nothing is saved
until staff confirm), then how far the import has gone."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from doorstep.core.models import TenantModel


class ImportKind(models.TextChoices):
    CUSTOMERS = "customers", "Customers"
    JOBS = "jobs", "Jobs"
    INVOICES = "invoices", "Open invoices"


class ImportState(models.TextChoices):
    PREVIEWED = "previewed", "Waiting for your confirmation"
    RUNNING = "running", "Importing"
    DONE = "done", "Imported"
    FAILED = "failed", "Stopped"


class ImportRun(TenantModel):
    kind = models.CharField(max_length=10, choices=ImportKind.choices)
    state = models.CharField(
        max_length=10, choices=ImportState.choices, default=ImportState.PREVIEWED
    )
    file_name = models.CharField(max_length=200)
    # [{"number": 2, "action": "create"|"update"|"keep", "values": {...}, "errors": [...]}]
    rows = models.JSONField(default=list)
    total = models.PositiveIntegerField(default=0)  # rows to import (those without errors)
    done = models.PositiveIntegerField(default=0)
    problem = models.TextField(blank=True)  # why a run stopped, in plain words
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["company", "-created_at"])]

    def __str__(self) -> str:
        return f"Import {self.pk} ({self.kind})"

    @property
    def percent(self) -> int:
        return 100 if not self.total else int(100 * self.done / self.total)

    @property
    def error_rows(self) -> list[dict]:
        return [row for row in self.rows if row["errors"]]

    @property
    def good_rows(self) -> list[dict]:
        return [row for row in self.rows if not row["errors"]]
