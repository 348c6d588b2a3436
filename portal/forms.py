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


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        kwargs.setdefault("format", "%Y-%m-%d")
        super().__init__(**kwargs)
