"""Bounds every input meets at the edge (issue 18, items 5 and 9), with the reason in Chinese.

A 65-character 文号 or a 201-character title passed the API and then overflowed PostgreSQL's
varchar (500; SQLite stored it), a deadline of 0001-01-01 or 9999-12-31 was kept, and a 200,000-
character "problem" was saved. Model CharFields carry their max_length into forms and serializers
by themselves; free texts (TextField) and dates have no natural bound, so these are ours.
"""

from datetime import date, datetime

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models

# The longest free text a person writes in a ledger, an order or a reply: pages of text, not a book.
TEXT_MAX = 5_000
# Deadlines, periods and dates of events lie in the campaign's lifetime, not in year 1 or 9999.
DATE_MIN = date(2000, 1, 1)
DATE_MAX = date(2099, 12, 31)
# The largest id or number a filter takes: every primary key and count fits (SQLite and bigint max).
INTEGER_MAX = 2**63 - 1


def check_date(value: date | None) -> None:
    """Refuse a date outside DATE_MIN … DATE_MAX (None passes: required-ness is checked elsewhere)."""
    if value is not None and not DATE_MIN <= value <= DATE_MAX:
        raise ValidationError(
            f"日期 {value.isoformat()} 超出范围，应在 {DATE_MIN.isoformat()} 至 {DATE_MAX.isoformat()} 之间。",
            code="date_out_of_range",
        )


def check_text(value: str | None, limit: int = TEXT_MAX) -> None:
    if value is not None and len(value) > limit:
        raise ValidationError(f"内容过长（{len(value)} 字），最多 {limit} 字。", code="text_too_long")


def check_fields(model: type[models.Model], values: dict) -> None:
    """Check values bound for a model's fields: texts against TEXT_MAX or the column's length, dates
    against the range. The message names the field, so a page, the API and an import row say where."""
    for name, value in values.items():
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        try:
            if isinstance(field, models.TextField) and isinstance(value, str):
                check_text(value)
            elif isinstance(field, models.CharField) and isinstance(value, str) and field.max_length:
                check_text(value, field.max_length)
            elif isinstance(field, models.DateField) and isinstance(value, date):
                check_date(value if not isinstance(value, datetime) else value.date())
        except ValidationError as error:
            raise ValidationError(f"{field.verbose_name}：{error.messages[0]}", code=error.code) from error
