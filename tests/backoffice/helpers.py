"""Drive the back office like a browser: GET a form page, then POST what it shows plus changes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.test import Client


def _field_values(form: forms.BaseForm) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for bound in form:
        if bound.field.disabled:
            continue
        name, value, widget = bound.html_name, bound.value(), bound.field.widget
        if isinstance(widget, forms.MultiWidget):
            parts = widget.decompress(value)
            for i, part in enumerate(parts):
                data[f"{name}_{i}"] = "" if part is None else str(part)
        elif isinstance(bound.field, forms.BooleanField):
            if value:
                data[name] = "on"
        elif isinstance(bound.field, forms.MultipleChoiceField):
            data[name] = [str(v) for v in value or []]  # one value per ticked box
        elif isinstance(bound.field, forms.NullBooleanField):
            data[name] = {True: "true", False: "false"}.get(value, "unknown")
        else:
            data[name] = "" if value is None else str(value)
    return data


def form_data(response: Any) -> dict[str, Any]:
    """The POST a browser would send unchanged from an admin add/change page."""
    context = response.context
    data = _field_values(context["adminform"].form)
    for inline in context["inline_admin_formsets"]:
        formset = inline.formset
        initial = formset.initial_form_count()
        data.update(_field_values(formset.management_form))
        data[f"{formset.prefix}-TOTAL_FORMS"] = str(initial)
        for form in formset.forms[:initial]:
            data.update(_field_values(form))
    return data


def add_inline_row(data: dict[str, Any], prefix: str, row: dict[str, Any]) -> None:
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    for key, value in row.items():
        data[f"{prefix}-{index}-{key}"] = value
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)


def post_form(client: Client, url: str, changes: dict[str, Any] | None = None, **kw: Any) -> Any:
    """GET the page, take its values and CSRF token, apply `changes`, POST."""
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    data = form_data(page)
    data.update(changes or {})
    for key in kw.get("drop", []):
        data.pop(key, None)
    data["csrfmiddlewaretoken"] = client.cookies["csrftoken"].value
    return client.post(url, data)


def errors_of(response: Any) -> dict[str, list[str]]:
    """Field errors of the main form and its inlines, as shown next to each field."""
    found: dict[str, list[str]] = {}
    context = response.context
    if not context or "adminform" not in context:
        return found
    for name, errs in context["adminform"].form.errors.items():
        found[name] = list(errs)
    for inline in context["inline_admin_formsets"]:
        for i, form_errors in enumerate(inline.formset.errors):
            for name, errs in form_errors.items():
                found[f"{inline.formset.prefix}-{i}-{name}"] = list(errs)
        if inline.formset.non_form_errors():
            found[f"{inline.formset.prefix}"] = list(inline.formset.non_form_errors())
    return found


def staff_client(user: Any) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client
