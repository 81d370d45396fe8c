"""Back office: the customer's questions on an estimate, and the office's replies.

The estimate page shows the thread (a read-only field) with a "Reply to the customer" button;
the reply has its own small page because a decided estimate's page is read-only and a form
cannot sit inside the admin's change form.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from doorstep.backoffice.tenant_admin import staff_actor
from doorstep.core.errors import DomainError
from doorstep.tenancy.roles import StaffAction, staff_may

from .estimates import estimate_comment_reply
from .models import Estimate, EstimateState


class ReplyForm(forms.Form):
    body = forms.CharField(
        label="Your reply",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5, "cols": 60}),
        help_text="The customer is told (email or text, as they chose) with a link to the "
        "estimate in their portal, where the whole thread is shown.",
    )


def comments_thread(estimate: Estimate) -> SafeString:
    """The thread, oldest first, and the reply button (escaped by the template)."""
    if not estimate.pk:
        return mark_safe("-")
    return mark_safe(
        render_to_string(
            "admin/billing/estimate/_comments.html",
            {
                "comments": estimate.comments.order_by("created_at", "id"),
                "estimate": estimate,
                "can_reply": estimate.state != EstimateState.DRAFT,
                "reply_url": reverse("admin:billing_estimate_reply", args=[estimate.pk]),
            },
        )
    )


def may_reply(model_admin: Any, request: HttpRequest, estimate: Estimate) -> bool:
    # Replying is not editing what the customer decided on: the right to change estimates at
    # this estimate's company is enough even when its own page is locked (accepted/declined).
    return bool(
        model_admin.has_view_permission(request, estimate)
        and staff_may(
            user=request.user, company=estimate.company_id, action=StaffAction.EDIT_BILLING
        )
    )


def reply_view(model_admin: Any, request: HttpRequest, object_id: str) -> HttpResponse:
    estimate = model_admin.get_object(request, object_id)
    if estimate is None or not may_reply(model_admin, request, estimate):
        raise Http404("No such estimate.")
    form = ReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            estimate_comment_reply(
                company=estimate.company,
                estimate=estimate,
                body=form.cleaned_data["body"],
                actor=staff_actor(request),
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            model_admin.message_user(
                request,
                f"Reply sent to {estimate.customer}; it shows on {estimate.display_number} "
                "in their portal.",
                messages.SUCCESS,
            )
            url = reverse("admin:billing_estimate_change", args=[estimate.pk])
            return HttpResponseRedirect(f"{url}#comments")
    context = {
        **model_admin.admin_site.each_context(request),
        "title": f"Reply about {estimate.display_number}",
        "estimate": estimate,
        "comments": estimate.comments.order_by("created_at", "id"),
        "form": form,
        "opts": model_admin.model._meta,
    }
    status = 400 if form.errors else 200
    return render(request, "admin/billing/estimate/reply.html", context, status=status)
