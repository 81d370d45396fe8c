"""`{% office_url "office:jobs:detail" job.pk as url %}`: the path, or "" when that area is
not installed (yet): a page links to other areas without breaking while they are missing."""

from __future__ import annotations

from typing import Any

from django import template

from ..links import office_path

register = template.Library()


@register.simple_tag
def office_url(name: str, *args: Any) -> str:
    return office_path(name, *args) or ""
