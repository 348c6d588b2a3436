from django import forms
from django.utils.translation import gettext_lazy as _

from .columns import KINDS


def _kind_choices():
    return [("", _("Tell from the headers"))] + [(k.key, f"{k.zh} · {k.en}") for k in KINDS]


class ImportForm(forms.Form):
    """An upload of a registry file. Its size and type are checked by the service (the type
    from the content, not the name)."""

    file = forms.FileField(
        label=_("File"),
        help_text=_("An XLSX workbook, or a CSV file in UTF-8 (with or without BOM)."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    kind = forms.ChoiceField(
        label=_("What a CSV file holds"), choices=_kind_choices, required=False
    )
    dry_run = forms.BooleanField(
        label=_("Dry run: check the file and count, write nothing"), required=False
    )

    def __init__(self, *args, user=None, instance=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
