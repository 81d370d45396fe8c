"""Back office: the documents shared with a customer (their portal's Documents page)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.forms import ModelForm
from django.http import HttpRequest

from doorstep.core.audit import audit_record
from doorstep.core.errors import DomainError
from doorstep.core.verbs import Verb
from doorstep.documents.models import Document
from doorstep.documents.services import document_check_links, document_prepare_file

from .tenant_admin import TenantAdmin, staff_actor


class DocumentForm(forms.ModelForm):
    class Meta:
        model = Document
        fields = ("customer", "location", "job", "title", "kind", "description", "file")

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if upload is not None and hasattr(upload, "content_type"):  # a new upload
            try:
                document_prepare_file(self.instance, upload)
            except DomainError as error:
                raise forms.ValidationError(error.message) from error
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        customer = data.get("customer")
        if customer is not None:
            try:
                document_check_links(
                    company=customer.company,
                    customer=customer,
                    location=data.get("location"),
                    job=data.get("job"),
                )
            except DomainError as error:
                self.add_error(error.field if error.field in self.fields else None, error.message)
        return data


@admin.register(Document)
class DocumentAdmin(TenantAdmin):
    form = DocumentForm
    list_display = ("title", "customer", "kind", "location", "job", "created_at")
    list_filter = ("kind",)
    list_select_related = ("customer", "location", "job")
    search_fields = ("title", "customer__name")
    readonly_fields = ("extension", "size", "created_at")

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        if not change:
            obj.shared_by = request.user
        if obj.customer_id and not obj.company_id:
            obj.company_id = obj.customer.company_id
        super().save_model(request, obj, form, change)
        audit_record(
            company=obj.company,
            target=obj,
            verb=Verb.DOCUMENT_UPDATED if change else Verb.DOCUMENT_SHARED,
            actor=staff_actor(request),
            message=f"{'Updated' if change else 'Shared'} {obj.title}",
        )
