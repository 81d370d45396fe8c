"""{% photo_grid photos "servicerequests:photo" company.slug sr.pk label="request R-12" %}

One grid of thumbnails for every page that shows uploaded photos (templates/photos/_grid.html):
each links to the full photo; `<url_name>` is reversed with the given args plus the photo's id,
and `<url_name>_thumb` the same way for its thumbnail. A photo without a thumbnail (not
decodable, HEIC) shows as the plain "Photo N" link, as before thumbnails.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

register = template.Library()


@register.inclusion_tag("photos/_grid.html")
def photo_grid(photos: Any, url_name: str, *args: Any, label: str = "") -> dict[str, Any]:
    photos = list(photos)
    total = len(photos)
    items = []
    for number, photo in enumerate(photos, start=1):
        alt = f"Photo {number} of {total}" + (f" for {label}" if label else "")
        items.append(
            {
                "number": number,
                "alt": alt,
                "url": reverse(url_name, args=[*args, photo.pk]),
                "thumb_url": (
                    reverse(f"{url_name}_thumb", args=[*args, photo.pk]) if photo.thumbnail else ""
                ),
                "width": photo.thumb_width,
                "height": photo.thumb_height,
                "photo": photo,
            }
        )
    return {"items": items}
