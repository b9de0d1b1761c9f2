"""Ids from input (URL paths, form fields, query strings, metadata): parsed and range-checked here only.

Python's ``int()`` and Django's ``int`` URL converter and model choice fields accept integers of any size
(and ``int()`` also signs, spaces, underscores and non-ASCII digits); PostgreSQL can't compare a number of
2^63 or more with a bigint and the request fails with a server error. Everything that takes a row id from
outside goes through :func:`parse_id`: a bad id is "no such row" (a 404 or a form error), never a 500.
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

MAX_ID = 2**63 - 1  # the largest bigint, and so the largest id any of our tables can hold
_ID = re.compile(r"[1-9][0-9]{0,18}")  # ASCII digits, no sign, space or leading zero; at most 19 digits


def parse_id(value: object) -> int | None:
    """The positive row id ``value`` spells, or None when it is not one.

    Accepts an ``int`` (not a ``bool``) or a string of ASCII digits without a sign, spaces or leading
    zeros, from 1 to 2^63 − 1. Anything else (bigger, zero, negative, "1.0", " 1", "١", bytes, None) is None.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and _ID.fullmatch(value):
        number = int(value)
    else:
        return None
    return number if 1 <= number <= MAX_ID else None


class IdConverter:
    """The ``<id:name>`` path converter: a row id, else the pattern doesn't match (a 404)."""

    regex = "[0-9]+"

    def to_python(self, value: str) -> int:
        number = parse_id(value)
        if number is None:
            raise ValueError(f"not an id: {value[:30]!r}")
        return number

    def to_url(self, value: object) -> str:
        number = parse_id(value)
        if number is None:
            raise ValueError(f"not an id: {value!r}")
        return str(number)


def _keyed_by_id(field: forms.ModelChoiceField) -> bool:
    """Whether the field's choices are keyed by the model's integer id (a foreign key's field names it)."""
    pk = field.queryset.model._meta.pk
    return field.to_field_name in (None, pk.name) and isinstance(pk, models.IntegerField)


class IdModelChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField keyed by id: a value that isn't an id is an "invalid choice" without a query."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if _keyed_by_id(self) and parse_id(value) is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)

    def bound_data(self, data, initial):
        # A form shown again with its errors never hands a bad id to its widget (the admin's
        # autocomplete widget looks the selected ids up in the database).
        if _keyed_by_id(self) and data not in self.empty_values and parse_id(data) is None:
            return None
        return super().bound_data(data, initial)


class IdModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A ModelMultipleChoiceField keyed by id: a value that isn't an id is an "invalid_pk_value" error
    (as Django gives for "abc") before any query."""

    def _check_values(self, value):
        if _keyed_by_id(self):
            for pk in value:
                if parse_id(pk) is None:
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                    )
        return super()._check_values(value)

    def bound_data(self, data, initial):
        # As in IdModelChoiceField: the widget of a form shown again gets only the valid ids.
        if _keyed_by_id(self) and isinstance(data, (list, tuple)):
            data = [pk for pk in data if parse_id(pk) is not None]
        return super().bound_data(data, initial)


# A ModelAdmin's ``formfield_overrides``: its relation fields (select, filter_horizontal, autocomplete)
# parse the ids staff send with parse_id too.
ADMIN_ID_FIELD_OVERRIDES = {
    models.ForeignKey: {"form_class": IdModelChoiceField},
    models.OneToOneField: {"form_class": IdModelChoiceField},
    models.ManyToManyField: {"form_class": IdModelMultipleChoiceField},
}


def coerce_id(value: object) -> int:
    """For ``TypedChoiceField(coerce=...)``: the id, or ValueError (the field's "invalid choice")."""
    number = parse_id(value)
    if number is None:
        raise ValueError("not an id")
    return number
