"""Demo step (orgs.demo.DEMO_STEPS): the demo county runs seed 000's campaign, loaded from its preset."""

from orgs.demo import DemoContext

from .preset_loader import load_preset


def populate(ctx: DemoContext) -> None:
    result = load_preset("yishui-2024", jurisdiction=ctx.county.pk)
    campaign = result.campaign
    ctx.log(
        f"整治行动：{campaign.title}（{campaign.slug}），"
        f"{campaign.phases.count()} 个阶段，{campaign.categories.count()} 项整治内容"
    )
