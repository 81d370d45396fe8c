"""Reading an uploaded spreadsheet (CSV) with tablib: size, encoding and shape are checked
here, in the words a person who saved a file from Excel understands."""

from __future__ import annotations

from typing import Any

import tablib
from django.core.files.uploadedfile import UploadedFile

from doorstep.core.errors import DomainError

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000


def header_name(raw: Any) -> str:
    """ "Postal code", " postal_code " and "POSTAL-CODE" all name the column postal_code."""
    return "_".join(str(raw or "").strip().lower().replace("-", " ").split())


def sheet_read(upload: UploadedFile) -> tuple[list[str], list[dict[str, str]]]:
    """The column names and the rows (each a dict by column name, values trimmed)."""
    if (upload.size or 0) > MAX_BYTES:
        raise DomainError(
            "The file is larger than 2 MB. Split it into smaller files and import them "
            "one after the other.",
            field="file",
        )
    raw = upload.read()
    if not raw.strip():
        raise DomainError("The file is empty.", field="file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DomainError(
            "The file is not a CSV file saved as UTF-8 text. In your spreadsheet choose "
            "“Save as” → “CSV UTF-8 (comma delimited)” and upload that file.",
            field="file",
        ) from error
    if "\x00" in text:
        raise DomainError(
            "The file is not a CSV file (it looks like another kind of file).", field="file"
        )
    try:
        sheet = tablib.Dataset().load(text, format="csv")
    except Exception as error:  # tablib raises several kinds for a shapeless text
        raise DomainError("The file could not be read as CSV.", field="file") from error
    headers = [header_name(h) for h in (sheet.headers or [])]
    if len(sheet) > MAX_ROWS:
        raise DomainError(
            f"The file has {len(sheet):,} rows; at most {MAX_ROWS:,} can be imported at once. "
            "Split it into smaller files.",
            field="file",
        )
    rows = [
        {
            name: str(value if value is not None else "").strip()
            for name, value in zip(headers, row, strict=False)
        }
        for row in sheet
    ]
    return headers, rows
