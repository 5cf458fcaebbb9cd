"""Values recorded in a history (before → after), as a person reads them: local dates in Chinese.

Histories keep what was true at the time as plain JSON text — dates and times in ISO form, because
that is what survives a round trip through JSON. A page never shows that form: a time is shown in
Asia/Shanghai, "2026年12月8日 07:33", and a date "2026年12月8日".
"""

import re
from datetime import date, datetime

from django.utils import timezone
from django.utils.dateformat import format as date_format

EMPTY = "—"
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}$")
_ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def readable(value: object) -> str:
    """One recorded value for a page: None/"" as —, ISO dates and times in local Chinese form."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, str):
        if _ISO_DATE.match(value):
            value = date.fromisoformat(value)
        elif _ISO_TIME.match(value):
            try:
                value = datetime.fromisoformat(value)
            except ValueError:
                return value
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return date_format(value, "Y年n月j日 H:i")
    if isinstance(value, date):
        return date_format(value, "Y年n月j日")
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)
