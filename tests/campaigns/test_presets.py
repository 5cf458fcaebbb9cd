"""Each seed plan loads as a campaign with the phases, categories and units the plan writes."""

import re
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from campaigns.models import Campaign, Category, Phase, TaskForceMember, WorkGroup
from campaigns.preset_loader import PresetError, load_preset, read_preset, shift_phases
from campaigns.preset_sources import preset_source
from orgs.models import Department, Region


def shown_source(slug: str) -> str:
    """The plan as shown beside the preset, layout spaces removed so a phrase split by the PDF conversion matches."""
    return "".join(preset_source(slug).text.split())


def names(units) -> set[str]:
    return {u.name for u in units.all()}


# slug, phases, top-level categories, all categories, work groups, members
COUNTS = [
    ("yishui-2024", 4, 5, 29, 6, 43),
    ("zaozhuang-2020", 5, 4, 17, 2, 13),
    ("wuchuan-2023", 3, 6, 33, 5, 32),
    ("rongcheng-2021", 6, 3, 19, 2, 0),
    ("changshu-2025", 4, 6, 29, 1, 0),
]


@pytest.mark.parametrize(("slug", "phases", "areas", "categories", "groups", "members"), COUNTS)
def test_each_preset_loads_with_the_plans_counts(db, slug, phases, areas, categories, groups, members):
    campaign = load_preset(slug).campaign

    assert campaign.phases.count() == phases
    assert campaign.categories.filter(parent=None).count() == areas
    assert campaign.categories.count() == categories
    assert campaign.work_groups.count() == groups
    assert campaign.members.count() == members


@pytest.mark.parametrize("slug", [c[0] for c in COUNTS])
def test_every_description_and_member_is_quoted_from_the_seed(db, slug):
    text = shown_source(slug)
    campaign = load_preset(slug).campaign

    for category in campaign.categories.exclude(description=""):
        for clause in re.split(r"[，。；;,:]", category.description):
            assert "".join(clause.split()) in text, (category.code, clause)
    for phase in campaign.phases.exclude(description=""):
        for clause in re.split(r"[，。；;,:]", phase.description):
            assert "".join(clause.split()) in text, (phase.name, clause)
    for member in TaskForceMember.objects.filter(campaign=campaign):
        assert member.name in text.replace("　", "")
    assert campaign.doc_number in text
    assert "".join(campaign.title.split()) in text


def test_yishui_has_the_five_areas_and_their_responsible_units(db):
    campaign = load_preset("yishui-2024").campaign

    areas = list(campaign.categories.filter(parent=None).values_list("name", flat=True))
    assert areas == [
        "基层党组织作用发挥不到位问题",
        "物业监管机制落实不到位问题",
        "物业服务方面存在的问题",
        "开发建设方面存在的问题",
        "物业领域违纪违法问题",
    ]
    enforcement = campaign.categories.get(code="2.3")
    assert names(enforcement.lead_units) == {"县公安局", "县住建局", "县消防大队"}
    assert enforcement.local_units == "各乡镇（街道）政府（办事处）"
    power = campaign.categories.get(code="4.3")
    assert names(power.lead_units) == {"国网沂水供电公司"}
    assert names(power.supporting_units) == {"县住建局"}
    assert campaign.doc_number == "办字〔2024〕9号"
    assert campaign.issued_on == date(2024, 6, 29)
    assert campaign.ledger_heading() == "全县深化物业领域突出问题综合整治工作台账"
    assert campaign.ledger_heading(campaign.categories.get(code="3")) == (
        "全县深化物业领域突出问题综合整治工作台账（物业服务方面存在的问题）"
    )


def test_yishui_task_force_has_six_work_groups_with_their_leaders(db):
    campaign = load_preset("yishui-2024").campaign

    groups = list(WorkGroup.objects.filter(campaign=campaign).values_list("name", flat=True))
    assert groups == [
        "党建组",
        "宣传组",
        "综合执法组",
        "电梯管理保障组",
        "违法打击处置组",
        "综合组（物业企业监管组）",
    ]
    elevator = WorkGroup.objects.get(campaign=campaign, name="电梯管理保障组")
    leader = elevator.members.get(role_in_task_force="组长")
    assert (leader.name, leader.post) == ("王邓", "县市场监管局党组成员、副局长")
    assert elevator.lead_unit.name == "县市场监管局"
    head = TaskForceMember.objects.get(campaign=campaign, group=None, role_in_task_force="组长")
    assert (head.name, head.post) == ("王海滨", "县政府副县长")


def test_yishui_phases_keep_the_plans_dates(db):
    campaign = load_preset("yishui-2024").campaign

    phases = list(campaign.phases.values_list("name", "start", "end"))
    assert phases[1] == ("集中整治阶段", date(2024, 6, 25), date(2024, 11, 30))
    assert phases[2] == ("“回头看”阶段", date(2024, 12, 1), date(2024, 12, 31))
    assert phases[3] == ("巩固提升阶段", date(2025, 1, 1), None)
    assert campaign.phases.get(name="巩固提升阶段").dates_text == "2025 年 1 月 1 日后"


def test_zaozhuang_has_the_four_action_ledgers_and_reports_on_the_third(db):
    campaign = load_preset("zaozhuang-2020").campaign

    ledgers = list(campaign.categories.filter(parent=None).values_list("name", flat=True))
    assert ledgers == ["环境卫生", "道路设施", "车辆停放", "服务质量"]
    assert campaign.report_due_day == 3
    assert campaign.ledger_heading(campaign.categories.get(code="1")) == "环境卫生攻坚行动整治工作台账"


def test_wuchuan_creates_its_three_streets_under_the_county(db):
    campaign = load_preset("wuchuan-2023").campaign

    streets = set(campaign.jurisdiction.children.values_list("name", flat=True))
    assert streets == {"都濡街道", "丹砂街道", "大坪街道"}
    fire = campaign.categories.get(code="5")
    assert fire.name == "消防安全防范"
    assert names(fire.lead_units) == {"县消防救援大队"}


def test_rongcheng_keeps_lead_and_supporting_units_as_written(db):
    campaign = load_preset("rongcheng-2021").campaign

    party = campaign.categories.get(code="5")
    assert party.name == "健全基层党建引领机制"
    assert names(party.lead_units) == {"市委组织部", "市住建局", "市民政局"}
    assert party.local_units == "各相关镇街"
    old_estates = campaign.categories.get(code="15")
    assert names(old_estates.supporting_units) == {"市自然资源局", "市财政局"}
    assert campaign.phases.filter(kind=Phase.Kind.MILESTONE).count() == 6


def test_changshu_has_six_areas_and_reports_on_the_twentieth(db):
    campaign = load_preset("changshu-2025").campaign

    assert campaign.report_due_day == 20
    assert campaign.doc_number == "常政办发〔2025〕33号"
    assert campaign.title == "常熟市物业管理服务领域突出问题专项整治"
    elevators = campaign.categories.get(code="3.2")
    assert elevators.name == "未及时申报使用15年以上住宅老旧电梯的更新需求"
    task_force = campaign.work_groups.get()
    assert "市消防救援大队" in names(task_force.member_units)
    assert campaign.phases.get(order=2).name == "集中整治阶段"


def test_reloading_a_preset_into_the_same_jurisdiction_adds_nothing(db):
    first = load_preset("yishui-2024")
    campaign = first.campaign
    campaign.ranking_size = 30
    campaign.save()

    second = load_preset("yishui-2024", jurisdiction=campaign.jurisdiction.name)

    assert not second.created
    assert set(second.added.values()) == {0}
    assert Campaign.objects.count() == 1
    assert Category.objects.count() == 29
    assert Department.objects.filter(region=campaign.jurisdiction).count() == 13
    campaign.refresh_from_db()
    assert campaign.ranking_size == 30, "a reload must not undo the task force's edits"


def test_a_preset_loads_into_an_existing_county_with_its_departments(county, housing_bureau):
    result = load_preset("yishui-2024", jurisdiction=str(county.pk), new_slug="demo-yishui")

    assert result.campaign.jurisdiction == county
    assert result.campaign.slug == "demo-yishui"
    assert Department.objects.filter(region=county, name="县住建局").count() == 1
    assert Region.objects.filter(name="沂水县").count() == 0


def test_the_same_slug_in_another_jurisdiction_is_refused(county):
    load_preset("yishui-2024")

    with pytest.raises(PresetError, match="另取一个标识"):
        load_preset("yishui-2024", jurisdiction=county.name)


def test_load_preset_command_reports_in_chinese(db, capsys):
    call_command("load_preset", "changshu-2025")
    call_command("load_preset", "changshu-2025")

    out = capsys.readouterr().out
    assert "已创建" in out and "已存在" in out
    with pytest.raises(CommandError, match="没有名为"):
        call_command("load_preset", "nowhere-2030")


def test_a_2020_plan_loaded_in_2026_runs_from_the_chosen_start_keeping_each_phases_length(county):
    campaign = load_preset(
        "zaozhuang-2020", jurisdiction=county.pk, new_slug="zz26", start=date(2026, 3, 1)
    ).campaign

    phases = list(campaign.phases.order_by("order"))
    original = read_phases("zaozhuang-2020")
    offset = date(2026, 3, 1) - date.fromisoformat(original[0]["start"])
    assert phases[0].start == date(2026, 3, 1)
    for phase, spec in zip(phases, original, strict=True):
        assert phase.start == date.fromisoformat(spec["start"]) + offset
        assert phase.end == (date.fromisoformat(spec["end"]) + offset if spec.get("end") else None)
        assert "2020" not in phase.dates_text
    assert campaign.jurisdiction == county


def read_phases(slug: str) -> list[dict]:
    return read_preset(slug)["phases"]


def test_shifted_phases_say_their_new_dates_in_words():
    phases = [
        {"name": "启动", "start": "2020-04-01", "end": "2020-04-01", "dates_text": "2020年4月上旬"},
        {"name": "整治", "start": "2020-04-02", "end": "2020-06-30", "dates_text": "2020年4月至6月"},
        {"name": "长效", "start": "2020-07-01", "end": None, "dates_text": "长期坚持"},
    ]

    shifted = shift_phases(phases, date(2026, 1, 5))

    assert [p["dates_text"] for p in shifted] == [
        "2026年1月5日",
        "2026年1月6日至2026年4月5日",
        "2026年4月6日起",
    ]
    assert [p["end"] for p in shifted] == ["2026-01-05", "2026-04-05", None]
    assert phases[0]["start"] == "2020-04-01", "the preset itself is not changed"


def test_load_preset_command_takes_a_start_date_and_refuses_a_bad_one(db, capsys):
    call_command("load_preset", "zaozhuang-2020", "--start", "2026-05-04")
    assert Campaign.objects.get(slug="zaozhuang-2020").phases.order_by("order").first().start == date(
        2026, 5, 4
    )

    with pytest.raises(CommandError, match="不是 YYYY-MM-DD"):
        call_command("load_preset", "zaozhuang-2020", "--start", "2026年5月")
