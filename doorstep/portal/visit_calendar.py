"""A scheduled visit as an iCalendar file (RFC 5545) for the customer's own calendar."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from doorstep.jobs.models import Job, JobStatus

# A visit booked with a start but no end still needs an end in a calendar: an hour is what
# the office books when it does not say.
DEFAULT_VISIT_LENGTH = timedelta(hours=1)


def visit_in_calendar(job: Job) -> bool:
    """A visit the customer can add to a calendar: booked for a time and not over or off."""
    return job.scheduled_start is not None and job.status not in (
        JobStatus.COMPLETED,
        JobStatus.CANCELLED,
    )


def ics_text(value: str) -> str:
    """Escape a TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma and newlines."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """Fold a content line at 75 octets (RFC 5545 3.1), never splitting a UTF-8 character."""
    out: list[str] = []
    current = b""
    limit = 75
    for char in line:
        encoded = char.encode("utf-8")
        if len(current) + len(encoded) > limit:
            out.append(current.decode("utf-8"))
            current = b""
            limit = 74  # continuation lines start with one space
        current += encoded
    out.append(current.decode("utf-8"))
    return "\r\n ".join(out)


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def visit_ics(job: Job, *, company_name: str, company_slug: str) -> str:
    """The job's scheduled visit as one VEVENT. The UID names the job, so a re-download after
    the office moves the visit updates the same calendar entry instead of adding another."""
    assert job.scheduled_start is not None
    end = job.scheduled_end or job.scheduled_start + DEFAULT_VISIT_LENGTH
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Doorstep//Customer portal//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:job-{job.pk}@{company_slug}.doorstep",
        f"DTSTAMP:{_utc(job.updated_at)}",
        f"DTSTART:{_utc(job.scheduled_start)}",
        f"DTEND:{_utc(end)}",
        f"SUMMARY:{ics_text(f'{company_name} visit: {job.title}')}",
        f"LOCATION:{ics_text(job.location.one_line)}",
        f"DESCRIPTION:{ics_text(f'{job.display_number}. {job.description}'.strip())}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "".join(fold(line) + "\r\n" for line in lines)
