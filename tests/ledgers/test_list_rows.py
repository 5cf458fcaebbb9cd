"""The ledger list's rows: category and responsible unit come from the filter's lists, not a join."""

from django.urls import reverse

from campaigns.models import Category
from ledgers.models import LedgerItem
from ledgers.views import _attach

from .conftest import make_item


def test_the_list_shows_each_rows_category_and_responsible_unit(
    client_for, township_a, project_a, campaign, category, housing_bureau
):
    make_item(project_a, campaign, category, responsible_unit=housing_bureau, problem="楼道堆物")
    make_item(project_a, campaign, problem="无分类的问题")
    page = client_for(township_a).get(reverse("ledgers:item_list")).text
    row = page[page.index("楼道堆物") - 1500 : page.index("楼道堆物") + 1500]
    assert category.name in row and housing_bureau.name in row
    assert "无分类的问题" in page


def test_ids_missing_from_the_viewers_lists_are_read_in_one_query(
    project_a, campaign, category, other_category, django_assert_num_queries
):
    items = list(
        LedgerItem.objects.filter(
            pk__in=[make_item(project_a, campaign, c).pk for c in (category, other_category, None)]
        )
    )
    listed = Category.objects.filter(pk=category.pk)
    list(listed)  # the page's category select has read it already
    with django_assert_num_queries(1):
        _attach(items, "category", listed)
    with django_assert_num_queries(0):
        names = sorted((item.category.name if item.category else "") for item in items)
    assert names == sorted(["", category.name, other_category.name])
