"""/api/v1/documents: share a file with a customer (multipart upload). The project's upload
checks apply (documents.services.document_share -> core.uploads: type by content, size,
server-made name, private storage)."""

from __future__ import annotations

from typing import ClassVar

from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from doorstep.customers.models import Location
from doorstep.documents.models import Document, DocumentKind
from doorstep.documents.services import document_share
from doorstep.integrations.models import ApiScope
from doorstep.jobs.models import Job

from .base import ApiView
from .customers import customers_of
from .fields import ApiModelSerializer, object_name
from .records import referenced, valid_input
from .schema import write_doc


class DocumentOut(ApiModelSerializer):
    object = object_name("document")

    class Meta:
        model = Document
        fields = [
            "object",
            "id",
            "customer",
            "location",
            "job",
            "title",
            "kind",
            "description",
            "extension",
            "mime",
            "size",
            "created_at",
        ]


class DocumentIn(serializers.Serializer):
    file = serializers.FileField()
    customer = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    title = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=DocumentKind.choices, default=DocumentKind.OTHER)
    description = serializers.CharField(
        max_length=500, required=False, allow_blank=True, default=""
    )
    location = serializers.IntegerField(min_value=1, max_value=2**63 - 1, required=False)
    job = serializers.IntegerField(min_value=1, max_value=2**63 - 1, required=False)


class DocumentUpload(ApiView):
    scopes: ClassVar[dict[str, str]] = {"POST": ApiScope.DOCUMENTS_WRITE}
    parser_classes = [MultiPartParser]

    @write_doc(
        DocumentOut,
        "Share a document with a customer",
        request={"multipart/form-data": DocumentIn},
        created=True,
        operation_id="documents_create",
    )
    def post(self, request: Request) -> Response:
        form = request.data.dict()  # type: ignore[attr-defined]  # a QueryDict (multipart)
        data = valid_input(DocumentIn, {**form, "file": request.data.get("file")})
        customer = referenced(
            customers_of(self.company), data["customer"], field="customer", words="customer"
        )
        location = job = None
        if "location" in data:
            location = referenced(
                Location.objects.for_company(self.company),
                data["location"],
                field="location",
                words="location",
            )
        if "job" in data:
            job = referenced(
                Job.objects.for_company(self.company), data["job"], field="job", words="job"
            )
        document = document_share(
            company=self.company,
            customer=customer,
            upload=data["file"],
            title=data["title"],
            kind=data["kind"],
            description=data["description"],
            location=location,
            job=job,
            actor=self.client.actor,
        )
        return Response(DocumentOut(document).data, status=status.HTTP_201_CREATED)
