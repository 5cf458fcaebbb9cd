"""Serializer pieces that bound what the API accepts (config/bounds.py): every ModelSerializer derives from
BoundedModelSerializer, so a model's free text and dates are bounded without each serializer saying so."""

from django.db import models
from rest_framework import serializers

from .bounds import TEXT_MAX, check_date


def _bounded(field_class, kwargs: dict, model_field) -> dict:
    if kwargs.get("read_only"):
        return kwargs
    if isinstance(model_field, models.TextField) and "max_length" not in kwargs:
        kwargs["max_length"] = TEXT_MAX
    if isinstance(model_field, models.DateField) and not isinstance(model_field, models.DateTimeField):
        kwargs["validators"] = [*kwargs.get("validators", []), check_date]
    return kwargs


class BoundedModelSerializer(serializers.ModelSerializer):
    def build_standard_field(self, field_name, model_field):
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        return field_class, _bounded(field_class, kwargs, model_field)


def text_field(max_length: int = TEXT_MAX, **kwargs) -> serializers.CharField:
    """A hand-written free-text field with the same bound as a model's TextField."""
    return serializers.CharField(max_length=max_length, **kwargs)


class BoundedDateField(serializers.DateField):
    default_validators = [check_date]
