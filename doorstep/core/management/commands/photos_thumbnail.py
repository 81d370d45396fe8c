"""manage.py photos_thumbnail [--company SLUG]: make the missing thumbnails of stored photos.

Idempotent: a photo that has one is left alone; one that cannot be decoded is logged and
counted (its pages keep the plain link). Runs company by company.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError

from doorstep.core.models import PrivateFileBase
from doorstep.core.thumbnails import THUMBNAILABLE, thumbnail_store


def photo_models() -> list[Any]:
    """Every stored-file model (request photos, message and ticket attachments, job photos):
    found by their base, so core imports none of the apps above it."""
    return [m for m in apps.get_models() if issubclass(m, PrivateFileBase)]


class Command(BaseCommand):
    help = "Make the missing thumbnails of stored photos (all companies, or --company SLUG)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--company", help="only this company (its slug)")

    def handle(self, *args: Any, **options: Any) -> None:
        company_model = apps.get_model("tenancy", "Company")
        companies = company_model.objects.order_by("pk")
        if options["company"]:
            companies = companies.filter(slug=options["company"])
            if not companies.exists():
                raise CommandError(f"No company with the slug {options['company']!r}.")
        for company in companies:
            made = failed = 0
            for model in photo_models():
                missing = model.objects.filter(
                    company=company, thumbnail="", extension__in=THUMBNAILABLE
                )
                for photo in missing.iterator():
                    if thumbnail_store(photo):
                        made += 1
                    else:
                        failed += 1
            self.stdout.write(f"{company.slug}: {made} thumbnails made, {failed} not possible")
