"""Portal pages: the files staff shared with the customer, and downloading one."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from doorstep.access.portal_sessions import PortalIdentity
from doorstep.core.uploads import serve_private_file
from doorstep.documents.selectors import document_for_customer, documents_for_customer

from .gate import portal_page
from .pages import page_of, portal_render

DOCUMENTS_PER_PAGE = 30


@require_safe
@portal_page
def documents(request: HttpRequest, identity: PortalIdentity) -> HttpResponse:
    page = page_of(
        request,
        documents_for_customer(company=identity.company, customer=identity.customer),
        DOCUMENTS_PER_PAGE,
    )
    return portal_render(request, identity, "portal/documents.html", nav="documents", page=page)


@require_safe
@portal_page
def document_download(
    request: HttpRequest, identity: PortalIdentity, document_id: int
) -> FileResponse:
    document = document_for_customer(
        company=identity.company, customer=identity.customer, document_id=document_id
    )
    if document is None or not document.file:
        raise Http404("No such document.")
    try:
        return serve_private_file(document.file, download_name=document.download_name)
    except FileNotFoundError as exc:
        raise Http404("No such document.") from exc
