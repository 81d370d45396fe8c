"""Values from a request that name rows ("42") must be checked before they reach a query.

Django's admin puts some posted values straight into `pk__in` filters: the ticked rows of a
list action and, when a form is shown again with its errors, the current value of an
autocomplete drop-down. "abc" then raises ValueError and twenty digits raise OverflowError on
SQLite (a server error) instead of a message. These helpers keep only values the column can
hold; `BackOfficeSite.admin_view` refuses the rest for every admin page (Django's own too).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.options import BaseModelAdmin
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest


def value_fits(field: models.Field[Any, Any], value: Any) -> bool:
    """Whether `value` is one the column can hold (type and the database's range)."""
    try:
        field.run_validators(field.to_python(value))
    except (ValidationError, TypeError, ValueError, OverflowError):
        return False
    return True


def values_fit(field: models.Field[Any, Any], values: Iterable[Any]) -> bool:
    return all(value_fits(field, value) for value in values)


class CheckedAutocompleteSelect(AutocompleteSelect):
    """The admin's autocomplete drop-down, shown again after a bad POST without crashing on
    a value that is no id at all (the field itself reports "Select a valid choice")."""

    def optgroups(self, name: str, value: Any, attr: Any = None) -> Any:
        remote = self.field.remote_field
        target = remote.model._meta.get_field(getattr(remote, "field_name", None) or "pk")
        kept = [v for v in value if value_fits(target, v)]
        return super().optgroups(name, kept, attr)


IDS_REFUSED = (
    "Something chosen on that page is not one of the rows or options listed (the value sent "
    "is not an id). Nothing was changed: go back and choose from the list."
)


def posted_ids_refused(model_admin: Any, request: HttpRequest) -> bool:
    """Whether a POST to a model's admin names rows with values that are no id: the ticked
    rows of a list action, or the options of a many-to-many field (both reach `pk__in`)."""
    if request.method != "POST" or not isinstance(model_admin, BaseModelAdmin):
        return False
    opts = model_admin.model._meta
    if not values_fit(opts.pk, request.POST.getlist(ACTION_CHECKBOX_NAME)):
        return True
    return any(
        not values_fit(m2m.target_field, request.POST.getlist(m2m.name))
        for m2m in opts.many_to_many
    )
