from __future__ import annotations

from django import template

from doorstep.core import branding

register = template.Library()


@register.simple_tag
def help_accent_css(accent: str | None) -> str:
    return branding.accent_css(accent)
