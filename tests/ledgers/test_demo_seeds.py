"""Every demo seed loads: 整改通知书 in the demo go to one company, even where a project changed company."""

from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import call_command

from ledgers.demo import order_batches
from ledgers.models import LedgerItem, RectificationOrder


def draft(project: int, company: int | None, township: int = 1, fate: str = "in_progress", **flags):
    item = SimpleNamespace(project_id=project, company_id=company, township_id=township)
    return SimpleNamespace(
        project=SimpleNamespace(pk=project),
        item=item,
        fate=fate,
        escalated=flags.get("escalated", False),
        extended=False,
        showcase=False,
    )


def test_a_project_that_changed_company_gives_one_batch_per_company():
    # Seed 2 at county size stopped here: 「这些问题没有同一个物业企业，无法下达整改通知书。」
    drafts = [draft(7, 100), draft(7, 100), draft(7, 200), draft(8, None), draft(9, 300, township=2)]

    batches = order_batches(drafts, demo_township=2)

    assert [[i.company_id for i in batch] for batch in batches] == [[300], [100, 100], [200]]
    assert all(len({i.project_id for i in batch}) == 1 for batch in batches)


def test_closed_escalated_and_unmanaged_items_are_not_put_on_an_order():
    drafts = [draft(1, 100, fate="closed"), draft(1, 100, escalated=True), draft(2, None)]

    assert order_batches(drafts, demo_township=1) == []


@pytest.mark.django_db
@pytest.mark.parametrize("seed", range(1, 7))
def test_each_seed_loads_the_whole_small_demo_with_its_orders(seed):
    out = StringIO()

    call_command("load_demo", "--size", "small", "--seed", str(seed), stdout=out)

    assert f"种子 {seed}" in out.getvalue()
    assert LedgerItem.objects.exists()
    for order in RectificationOrder.objects.prefetch_related("responses__item"):
        assert {line.item.company_id for line in order.responses.all()} == {order.company_id}
