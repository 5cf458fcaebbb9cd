"""A company objects from its phone; the task force reads the rows the action rests on and decides
(issue 16, "Proof")."""

import pytest

from campaigns.models import Action, Objection
from tests.browser.conftest import expect, login
from tests.campaigns.test_action_sources import streak_action  # noqa: F401 - the fixture
from tests.samples.photos import camera_jpeg


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_company_objects_from_its_phone_and_the_task_force_upholds_it(
    phone_page,
    page,
    company_x,
    task_force,
    streak_action,  # noqa: F811 - the imported fixture
    tmp_path,
):
    photo = tmp_path / "IMG_2031.jpg"
    photo.write_bytes(camera_jpeg())
    login(phone_page, company_x)
    phone_page.goto(f"/scoring/actions/{streak_action.pk}/")
    phone_page.get_by_test_id("object").click()
    phone_page.get_by_label("异议理由").fill("7月的诉求实际属于相邻的阳光家园")
    phone_page.get_by_label("证明材料（照片或 PDF，最多 5 个）").set_input_files(str(photo))
    phone_page.get_by_test_id("submit-objection").click()
    expect(phone_page.get_by_text("异议已提交")).to_be_visible()
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390

    login(page, task_force)
    page.goto(f"/scoring/actions/{streak_action.pk}/")
    page.get_by_test_id("sources-link").click()
    expect(page.get_by_text("SD2024070100012")).to_be_visible()
    page.go_back()
    expect(page.get_by_test_id("objection")).to_contain_text("阳光家园")
    page.get_by_label("异议成立，撤销措施").check()
    page.get_by_label("处理意见").fill("核实属实，诉求改派后重新计算")
    page.get_by_test_id("decide-objection").click()
    expect(page.get_by_test_id("status")).to_contain_text("已撤销")
    assert Objection.objects.get().status == "upheld"
    assert Action.objects.get(pk=streak_action.pk).status == Action.Status.WITHDRAWN
