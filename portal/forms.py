from django import forms

from .scope import scope_queryset


class ScopedModelForm(forms.ModelForm):
    """A model form whose choices of related rows are limited to the user's scope, so a
    forged id of another township's village is refused like any invalid choice."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField):
                field.queryset = scope_queryset(user, field.queryset)


MAX_ID = 2**63 - 1  # a bigint primary key


def id_list(values) -> list[int]:
    """The ids among submitted values: digits only, and no larger than a primary key can be
    (a longer number made SQLite overflow in an ``__in`` lookup: a 500)."""
    return [int(v) for v in values if str(v).isdigit() and 0 < int(v) <= MAX_ID]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        kwargs.setdefault("format", "%Y-%m-%d")
        super().__init__(**kwargs)
