from datetime import date, timedelta

import pytest

from ledgers.models import LedgerItem

from .conftest import make_item

TODAY = date(2024, 6, 15)


def test_an_item_copies_township_and_path_from_its_project_and_gets_a_reference(item_a, project_a):
    assert item_a.township_id == project_a.township_id
    assert item_a.region_path == project_a.region_path
    assert item_a.reference == f"TZ-{item_a.created_at.year}-{item_a.pk:06d}"
    assert LedgerItem.objects.get(pk=item_a.pk).reference == item_a.reference


@pytest.mark.parametrize(
    ("deadline", "status", "overdue"),
    [
        (TODAY, "registered", False),
        (TODAY - timedelta(days=1), "registered", True),
        (TODAY - timedelta(days=1), "submitted", True),
        (TODAY - timedelta(days=30), "closed", False),
        (TODAY - timedelta(days=30), "withdrawn", False),
        (None, "in_progress", False),
    ],
)
def test_overdue_is_derived_from_the_deadline_at_the_boundary(project_a, campaign, deadline, status, overdue):
    item = make_item(project_a, campaign, deadline=deadline, status=status)
    assert item.is_overdue_on(TODAY) is overdue
    assert LedgerItem.objects.overdue(TODAY).filter(pk=item.pk).exists() is overdue
    assert LedgerItem.objects.not_overdue(TODAY).filter(pk=item.pk).exists() is not overdue
