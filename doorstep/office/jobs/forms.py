"""The job page's forms: move the status (telling the customer or not), assign a technician,
add completion photos, move several jobs at once."""

from __future__ import annotations

from typing import Any

from django import forms

from doorstep.core.photo_fields import MultiplePhotoField
from doorstep.jobs.models import JOB_TRANSITIONS, Job, JobStatus, Technician
from doorstep.jobs.services import MAX_COMPLETION_PHOTOS

WHEN_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
WHEN_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


class StatusForm(forms.Form):
    new_status = forms.ChoiceField(
        label="New status",
        error_messages={"invalid_choice": "Choose one of the moves offered for this job."},
    )
    tell_customer = forms.BooleanField(
        label="Tell the customer",
        required=False,
        initial=True,
        help_text="Sends the customer's usual email or text. Never sent for a change dated in "
        "the past.",
    )
    happened_at = forms.DateTimeField(
        label="When it happened (leave empty for now)",
        required=False,
        widget=WHEN_WIDGET,
        input_formats=WHEN_FORMATS,
        help_text="In the company's time zone; for recording a visit after the fact.",
        error_messages={"invalid": "Enter a date and time, like 2026-05-04 14:30."},
    )
    note = forms.CharField(label="Note for the timeline", required=False, max_length=500)

    def __init__(self, *args: Any, job: Job, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = JOB_TRANSITIONS[JobStatus(job.status)]
        field: Any = self.fields["new_status"]
        # Forward moves first (the usual next step is the default), then going back.
        order = list(JobStatus)
        here = order.index(JobStatus(job.status))
        moves = sorted(
            (s for s in order if s in allowed),
            key=lambda s: (order.index(s) < here, order.index(s)),
        )
        field.choices = [(s.value, s.label) for s in moves]


class VisitForm(forms.Form):
    technician = forms.ModelChoiceField(
        label="Technician",
        queryset=Technician.objects.none(),
        required=False,
        empty_label="Nobody yet",
        error_messages={"invalid_choice": "Choose one of your technicians."},
    )
    scheduled_start = forms.DateTimeField(
        label="Visit starts",
        required=False,
        widget=WHEN_WIDGET,
        input_formats=WHEN_FORMATS,
        error_messages={"invalid": "Enter a date and time, like 2026-05-04 14:30."},
    )
    scheduled_end = forms.DateTimeField(
        label="Visit ends",
        required=False,
        widget=WHEN_WIDGET,
        input_formats=WHEN_FORMATS,
        help_text="Times are the company's.",
        error_messages={"invalid": "Enter a date and time, like 2026-05-04 16:30."},
    )

    def __init__(self, *args: Any, technicians: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["technician"]
        field.queryset = technicians


class PhotosForm(forms.Form):
    photos = MultiplePhotoField(
        label="Photos to add",
        required=False,
        help_text=f"Up to {MAX_COMPLETION_PHOTOS} photos (JPEG, PNG, WebP or HEIC, 10 MB each). "
        "The customer sees them on the job's page in the portal.",
    )


class JobIdsField(forms.TypedMultipleChoiceField):
    """The ticked rows' ids. Any id is acceptable here: the bulk service reads only the
    company's own jobs, so another company's id moves nothing."""

    def valid_value(self, value: Any) -> bool:
        return str(value).isdigit() and len(str(value)) < 12


class BulkMoveForm(forms.Form):
    jobs = JobIdsField(
        coerce=int, label="Jobs", error_messages={"required": "Tick at least one job."}
    )
    new_status = forms.ChoiceField(
        label="Move the ticked jobs to",
        choices=[("", "Choose a status")] + [(s.value, s.label) for s in JobStatus],
        error_messages={"required": "Choose the status to move them to."},
    )
