"""What each job status means to a customer, in plain words.

Staff see "technician_assigned"; the customer reads "Technician assigned — Sam will do the
work". The CSS class lets the badge colour follow the status.
"""

from __future__ import annotations

from dataclasses import dataclass

from doorstep.jobs.models import JobStatus


@dataclass(frozen=True)
class StatusWords:
    label: str
    explain: str  # may contain {tech}
    css: str


JOB_WORDS: dict[str, StatusWords] = {
    JobStatus.UNSCHEDULED: StatusWords(
        "Waiting to be scheduled", "We'll pick a time with you soon.", "waiting"
    ),
    JobStatus.SCHEDULED: StatusWords("Scheduled", "Your visit is booked.", "scheduled"),
    JobStatus.TECHNICIAN_ASSIGNED: StatusWords(
        "Technician assigned", "{tech} will do the work.", "scheduled"
    ),
    JobStatus.ON_THE_WAY: StatusWords("On the way", "{tech} is on the way to you.", "on-the-way"),
    JobStatus.TECHNICIAN_ARRIVED: StatusWords(
        "Technician arrived", "{tech} has arrived.", "arrived"
    ),
    JobStatus.IN_PROGRESS: StatusWords("Work in progress", "{tech} is working on it.", "working"),
    JobStatus.COMPLETED: StatusWords("Completed", "The work is done.", "completed"),
    JobStatus.CANCELLED: StatusWords("Cancelled", "This visit was cancelled.", "cancelled"),
}


def job_words(status: str, technician_first_name: str = "") -> tuple[str, str, str]:
    """(label, explanation, css class) for a job status."""
    words = JOB_WORDS.get(status) or StatusWords(status.replace("_", " ").capitalize(), "", "")
    explain = words.explain.format(tech=technician_first_name or "Your technician")
    return words.label, explain, words.css
