from __future__ import annotations

from django import forms

from doorstep.imports.models import ImportKind


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label="What the file holds", choices=ImportKind.choices)
    file = forms.FileField(
        label="CSV file",
        help_text="A .csv file saved from your spreadsheet (UTF-8), at most 2 MB and 5,000 rows. "
        "The first row names the columns, as in the templates below.",
        error_messages={
            "required": "Choose the CSV file to import.",
            "empty": "The file is empty.",
        },
    )
