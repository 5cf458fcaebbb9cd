"""`{{ obj|label:"field" }}`: a choice field's label, for templates that show one per row.

Model.get_FOO_display() builds a dict of the field's choices on every call, hashing (and so
translating) every lazy label: a list of 50 rows with two such fields translated ~700 labels
per page. This reads the same labels from a dict built once per field.
"""

from functools import cache

from django import template

register = template.Library()


@cache
def _labels(model: type, field_name: str) -> dict:
    return dict(model._meta.get_field(field_name).flatchoices)


@register.filter
def label(obj, field_name: str):
    """What get_<field_name>_display() gives: the label of the stored value, or the value itself."""
    value = getattr(obj, field_name)
    return _labels(obj._meta.model, field_name).get(value, value)
