"""Branding pictures (logo, banner): the one check both the office and the admin use."""

from __future__ import annotations

from typing import Any

from doorstep.core.uploads import PHOTO_KINDS, private_name, upload_check

MAX_BRANDING_BYTES = 2 * 1024 * 1024


def branding_image_checked(upload: Any, *, company_id: int, folder: str) -> Any:
    """The upload, renamed by us, when its content is a JPEG/PNG/WebP picture under 2 MB;
    raises DomainError (in plain words) otherwise. The type is read from the content
    (SECURITY 24); the name is ours, not the uploader's."""
    kinds = {k: v for k, v in PHOTO_KINDS.items() if k != "heic"}  # browsers cannot show HEIC
    kind = upload_check(upload, kinds=kinds, max_bytes=MAX_BRANDING_BYTES)
    # company-<id>/branding/<random>.<ext> flattened: upload_to adds the folder.
    upload.name = private_name(
        company_id=company_id, folder=folder, extension=kind.extension
    ).replace("/", "-")
    return upload
