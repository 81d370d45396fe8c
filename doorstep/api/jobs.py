"""/api/v1/jobs: jobs, created (upsert by external_id) and moved along their statuses; a move
tells the customer exactly as a move in the office does (jobs.services.job_change_status)."""

from __future__ import annotations

from typing import Any, ClassVar

from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from doorstep.customers.models import Location
from doorstep.integrations.models import ApiScope
from doorstep.jobs import services
from doorstep.jobs.models import Job, JobStatus

from .base import ApiView
from .customers import EXTERNAL_ID, CustomerOut, LocationOut, customers_of
from .expand import Expandable, expand_parse, expand_prepare, represent
from .fields import ApiModelSerializer, ExternalIdField, object_name
from .pagination import cursor_page, list_body
from .records import record_or_404, referenced, upsert_by_external_id, valid_input
from .schema import list_doc, read_doc, write_doc


class JobOut(ApiModelSerializer):
    object = object_name("job")
    external_id = ExternalIdField()
    number = serializers.CharField(source="display_number", read_only=True)
    customer = Expandable(lambda: CustomerOut)
    location = Expandable(lambda: LocationOut)
    technician_name = serializers.SerializerMethodField()

    class Meta:
        model = Job
        fields = [
            "object",
            "id",
            "external_id",
            "number",
            "customer",
            "location",
            "title",
            "description",
            "status",
            "technician_name",
            "scheduled_start",
            "scheduled_end",
            "status_changed_at",
            "completed_at",
            "created_at",
            "updated_at",
        ]

    def get_technician_name(self, obj: Job) -> str | None:
        return obj.technician.name if obj.technician else None


class JobIn(serializers.Serializer):
    external_id = EXTERNAL_ID
    customer = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    location = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    scheduled_start = serializers.DateTimeField(required=False, allow_null=True, default=None)
    scheduled_end = serializers.DateTimeField(required=False, allow_null=True, default=None)


class JobStatusIn(serializers.Serializer):
    status = serializers.ChoiceField(choices=JobStatus.choices)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


def jobs_of(company: Any) -> Any:
    return Job.objects.for_company(company).select_related("technician")


def _show(view: ApiView, job: Job, code: int = 200) -> Response:
    fresh = jobs_of(view.company).get(pk=job.pk)
    return Response(represent(view.request, view.company, JobOut, [fresh], set())[0], status=code)


class JobList(ApiView):
    scopes: ClassVar[dict[str, str]] = {"GET": ApiScope.JOBS_READ, "POST": ApiScope.JOBS_WRITE}

    @list_doc(JobOut, "List jobs", operation_id="jobs_list")
    def get(self, request: Request) -> Response:
        expand = expand_parse(request, JobOut)
        page = cursor_page(expand_prepare(jobs_of(self.company), JobOut, expand), request)
        return Response(
            list_body(page, represent(request, self.company, JobOut, page.items, expand))
        )

    @write_doc(
        JobOut,
        "Create a job (an existing external_id returns that job unchanged)",
        request=JobIn,
        created=True,
        operation_id="jobs_create",
    )
    def post(self, request: Request) -> Response:
        data = valid_input(JobIn, request.data)
        external_id = data.pop("external_id", "")

        def create() -> Job:
            customer = referenced(
                customers_of(self.company), data.pop("customer"), field="customer", words="customer"
            )
            location = referenced(
                Location.objects.for_company(self.company).filter(customer=customer),
                data.pop("location"),
                field="location",
                words="location of this customer",
            )
            return services.job_create(
                company=self.company,
                customer=customer,
                location=location,
                actor=self.client.actor,
                **data,
            )

        job, created = upsert_by_external_id(
            jobs_of(self.company), self.company, "job", external_id, create=create
        )
        return _show(self, job, status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class JobDetail(ApiView):
    scopes: ClassVar[dict[str, str]] = {"GET": ApiScope.JOBS_READ}

    @read_doc(JobOut, "Get a job", operation_id="jobs_get")
    def get(self, request: Request, pk: int) -> Response:
        expand = expand_parse(request, JobOut)
        job = record_or_404(expand_prepare(jobs_of(self.company), JobOut, expand), pk)
        return Response(represent(request, self.company, JobOut, [job], expand)[0])


class JobStatusChange(ApiView):
    scopes: ClassVar[dict[str, str]] = {"POST": ApiScope.JOBS_WRITE}

    @write_doc(
        JobOut,
        "Move a job to another status (the customer is told, as from the office)",
        request=JobStatusIn,
        operation_id="jobs_status_change",
    )
    def post(self, request: Request, pk: int) -> Response:
        job = record_or_404(jobs_of(self.company), pk)
        data = valid_input(JobStatusIn, request.data)
        job = services.job_change_status(
            company=self.company,
            job=job,
            new_status=data["status"],
            note=data["note"],
            actor=self.client.actor,
        )
        return _show(self, job)
