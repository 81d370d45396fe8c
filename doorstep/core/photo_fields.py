"""A form field for several photos in one file input (service requests, messages)."""

from __future__ import annotations

from typing import Any

from django import forms


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    widget = MultiplePhotoInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(MultiplePhotoField, self).clean(item, initial) for item in files]
