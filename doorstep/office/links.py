"""Links from one office area to another that may not be installed (yet): the path, or None.

A failed reverse() is slow (Django builds a message listing every pattern it tried), and a
list page may ask for the same missing page once per row; so a name found missing is
remembered for the URL configuration it was missing from."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import NoReverseMatch, get_urlconf, reverse

_missing: set[tuple[str, str]] = set()


def office_path(name: str, *args: Any, query: str = "") -> str | None:
    key = (str(get_urlconf() or settings.ROOT_URLCONF), name)
    if key in _missing:
        return None
    try:
        path = reverse(name, args=args)
    except NoReverseMatch:
        if not args:
            _missing.add(key)  # with arguments, the name may exist and the arguments be wrong
        else:
            try:
                reverse(name, args=[1] * len(args))
            except NoReverseMatch:
                _missing.add(key)
        return None
    return path + (f"?{query}" if query else "")
