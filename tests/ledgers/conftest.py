"""Ledger fixtures: a category naming the housing bureau, and items in each township."""

import pytest

from campaigns.models import Category
from campaigns.preset_loader import load_preset
from ledgers.models import LedgerItem


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Each test makes up to seven users; the production hasher costs seconds on a busy machine."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def category(campaign, housing_bureau) -> Category:
    category = Category.objects.create(campaign=campaign, code="1", name="环境卫生")
    category.lead_units.add(housing_bureau)
    return category


@pytest.fixture
def other_category(campaign) -> Category:
    return Category.objects.create(campaign=campaign, code="2", name="道路设施")


def make_item(project, campaign, category=None, **fields) -> LedgerItem:
    fields.setdefault("problem", "楼道堆放杂物")
    return LedgerItem.objects.create(
        project=project, campaign=campaign, category=category, company=project.company, **fields
    )


@pytest.fixture
def item_a(project_a, campaign, category) -> LedgerItem:
    return make_item(project_a, campaign, category, problem="消防通道被占用")


@pytest.fixture
def item_b(project_b, campaign, other_category) -> LedgerItem:
    return make_item(project_b, campaign, other_category, problem="路灯损坏")


@pytest.fixture
def item_y(project_y, campaign, other_category) -> LedgerItem:
    return make_item(project_y, campaign, other_category, problem="垃圾未清运")


@pytest.fixture
def zz(county):
    """Seed 001's campaign (four action ledgers) running in the test county."""
    return load_preset("zaozhuang-2020", jurisdiction=county.pk, new_slug="zz").campaign


def written_draft(campaign, period, user):
    """A bulletin draft with its 工作情况 written, as publishing asks."""
    from ledgers import bulletins

    draft = bulletins.draft_for(campaign, period, user)
    bulletins.edit(draft, user, draft.issuer, "本期各镇街整治工作有序推进。", "")
    return draft
