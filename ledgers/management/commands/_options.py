"""Look-ups the ledger commands share (a module starting with "_" is not a command)."""

from django.core.management.base import CommandError

from campaigns.models import Campaign, Category


def campaign_named(slug: str) -> Campaign:
    campaign = Campaign.objects.filter(slug=slug).first()
    if campaign is None:
        raise CommandError(f"没有标识为“{slug}”的整治行动")
    return campaign


def top_category(campaign: Campaign, code: str | None) -> Category | None:
    """The campaign's top-level 整治内容 with this code (None when no code was given)."""
    if not code:
        return None
    category = Category.objects.filter(campaign=campaign, code=code, parent=None).first()
    if category is None:
        raise CommandError(f"该整治行动没有编号为“{code}”的一级整治内容")
    return category
