"""A township officer works the review queue by spelling, with the keyboard only: one decision per
spelling settles all its complaints, 不属于物业项目 included; 去确认 on a complaint opens its spelling."""

from datetime import datetime

import pytest

from complaints.models import Complaint, MatchCandidate
from complaints.rules import SHANGHAI

from .conftest import expect, login


def waiting(township, ticket: str, name: str) -> Complaint:
    return Complaint.objects.create(
        ticket=ticket, received_at=datetime(2024, 7, 3, 9, tzinfo=SHANGHAI), township=township,
        region_path=township.path, raw_project_name=name, match_state="review", content="楼道灯坏了",
    )  # fmt: skip


@pytest.fixture
def queue(projects):
    township = projects["a"].township
    rows = [waiting(township, f"Y{i}", "阳光家园") for i in range(3)]
    for row in rows:
        MatchCandidate.objects.create(complaint=row, project=projects["a"], score=0.8)
    village = [waiting(township, f"V{i}", "城南村") for i in range(2)]
    return {"yangguang": rows, "village": village}


def test_a_township_officer_settles_the_queue_by_spelling_with_the_keyboard(
    page, township_a, projects, queue
):
    login(page, township_a)
    page.goto("/complaints/review/")
    entries = page.locator("[data-review-list] [data-review-item]")
    expect(entries).to_have_count(2)
    expect(entries.first).to_contain_text("阳光家园")
    expect(entries.first.locator("[data-rows]")).to_have_text("3 条")

    page.keyboard.press("1")
    page.keyboard.press("Enter")
    expect(entries.first).to_contain_text("「阳光家园」共 3 条诉求已匹配到 阳光花园")
    # The focus moved on to the next spelling by itself: 0 is 不属于物业项目.
    expect(entries.nth(1)).to_have_attribute("data-current", "")
    page.keyboard.press("0")
    page.keyboard.press("Enter")
    expect(entries.nth(1)).to_contain_text("「城南村」共 2 条诉求已标记为不属于物业项目")
    expect(page.get_by_text("本页已全部处理。")).to_be_visible()

    assert Complaint.objects.filter(project=projects["a"]).count() == 3
    assert Complaint.objects.filter(match_state="outside").count() == 2


def test_j_and_k_move_between_spellings_and_enter_without_a_choice_says_so(page, township_a, queue, console):
    console.allow("status of 400")  # the refusal itself: the queue shows its reason, tested below
    login(page, township_a)
    page.goto("/complaints/review/")
    entries = page.locator("[data-review-list] [data-review-item]")
    page.keyboard.press("j")
    expect(entries.nth(1)).to_have_attribute("data-current", "")
    page.keyboard.press("Enter")
    expect(entries.nth(1).locator("[data-error]")).to_contain_text("请选择项目")
    page.keyboard.press("k")
    expect(entries.first).to_have_attribute("data-current", "")
    assert not Complaint.objects.filter(match_state__in=["matched", "outside"]).exists()


def test_go_confirm_on_a_complaint_opens_its_spelling(page, township_a, queue):
    login(page, township_a)
    page.goto(f"/complaints/{queue['village'][1].pk}/")
    page.get_by_role("link", name="去确认").click()
    entries = page.locator("[data-review-list] [data-review-item]")
    expect(entries).to_have_count(1)
    expect(entries.first).to_contain_text("城南村")


def test_on_a_phone_a_spelling_is_settled_by_tapping(phone_page, township_a, projects, queue):
    page = phone_page
    login(page, township_a)
    page.goto("/complaints/review/")
    first = page.locator("[data-review-list] [data-review-item]").first
    first.locator("label", has_text="阳光花园").click()
    first.get_by_role("button", name="确认").click()
    expect(page.locator("[data-review-list]")).to_contain_text("「阳光家园」共 3 条诉求已匹配到 阳光花园")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the queue overflows a 390 px phone ({width} px)"
