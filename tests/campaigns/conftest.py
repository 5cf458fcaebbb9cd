"""A campaign loaded from seed 000's preset into the test county, with a hand-counted ledger.

| item | project (township) | category | state on 2030-06-15 |
| a1 | 阳光花园 (城关 A) | 3.1 | closed |
| a2 | 阳光花园 (城关 A) | 3.1 | open, deadline 2030-06-14 → overdue |
| a3 | 阳光花园 (城关 A) | 3.2 | open, deadline 2030-06-15 → due today, not overdue |
| b1 | 东湖家园 (东城 B) | 3.4 | open, deadline 2030-06-01 → overdue |
| b2 | 东湖家园 (东城 B) | 3.4 | withdrawn → not counted |
| y1 | 锦绣苑 (东城 B)   | 2.3 | closed |
Area 3: found 4, closed 1, overdue 2. Area 2: found 1, closed 1. A: 3/1/1. B: 2/1/1.
"""

from datetime import date

import pytest

from campaigns.preset_loader import load_preset
from ledgers import workflow

TODAY = date(2030, 6, 15)


@pytest.fixture
def yishui(county):
    return load_preset("yishui-2024", jurisdiction=county.pk, new_slug="ys").campaign


def log(campaign, project, code, problem, deadline=None):
    return workflow.create_item(
        user=None,
        campaign=campaign,
        project=project,
        problem=problem,
        category=campaign.categories.get(code=code),
        deadline=deadline,
    )


def close(item, user):
    workflow.submit(item, user)
    return workflow.accept(item, user)


@pytest.fixture
def counted(yishui, projects, township_a, township_b, task_force):
    items = {
        "a1": log(yishui, projects["a"], "3.1", "保洁不到位", date(2030, 7, 1)),
        "a2": log(yishui, projects["a"], "3.1", "绿化缺株", date(2030, 6, 14)),
        "a3": log(yishui, projects["a"], "3.2", "收费质价不符", date(2030, 6, 15)),
        "b1": log(yishui, projects["b"], "3.4", "门禁损坏", date(2030, 6, 1)),
        "b2": log(yishui, projects["b"], "3.4", "重复登记", date(2030, 6, 1)),
        "y1": log(yishui, projects["y"], "2.3", "消防通道堆物", date(2030, 6, 1)),
    }
    close(items["a1"], township_a)
    close(items["y1"], township_b)
    workflow.withdraw(items["b2"], township_b, reason="重复登记")
    return items


@pytest.fixture
def frozen_today(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: TODAY)
    return TODAY
