"""Self-check forms (自查表): seed 002 §三 as a data file; each answer revealing a problem → a 自查 item."""

import pytest
from django.urls import reverse

from campaigns import selfcheck
from campaigns.models import SelfCheck
from campaigns.preset_loader import load_preset
from ledgers.models import LedgerItem
from tests.seeds import seed_text

SEED_002 = seed_text("002")


@pytest.fixture
def wuchuan(county):
    return load_preset("wuchuan-2023", jurisdiction=county.pk, new_slug="wc").campaign


def all_fine(template) -> dict:
    """A form where nothing is wrong: each question answered the other way from its problem answer."""
    return {f"q_{q.code}": "是" if q.problem_answer == "否" else "否" for q in template.questions}


def test_the_template_has_every_question_of_seed_002_section_three_in_its_sections():
    template = selfcheck.load_template()
    section = SEED_002[SEED_002.index("三、整治任务") : SEED_002.index("四、实施步骤")]

    assert len(template.questions) == section.count("是否") == 43
    assert [s.title for s in template.sections] == [
        "物业承接(退出)",
        "规范业主及业主委员会的行为",
        "内部管理",
        "物业服务",
        "消防安全防范",
        "其他安全防范",
    ]
    for question in template.questions:
        assert question.text in section, question.text
    licence = next(q for q in template.questions if q.text == "营业执照是否有效")
    assert (licence.category, licence.problem_answer) == ("3.1", "否")
    withdrawal = next(q for q in template.questions if q.text.startswith("是否擅自撤离"))
    assert withdrawal.problem_answer == "是", "asking about the wrongdoing itself: 是 is the problem"


def test_a_company_fills_the_form_and_each_problem_answer_becomes_a_self_check_item(
    wuchuan, project_a, company_x, client_for
):
    template = selfcheck.load_template()
    data = all_fine(template) | {"project": project_a.pk, "deadline": "2030-05-01"}
    data["q_3.1.1"] = "否"  # 营业执照是否有效 → 否
    data["n_3.1.1"] = "营业执照已过期"
    data["q_1.4.1"] = "是"  # 是否擅自撤离和拒不退出 → 是

    response = client_for(company_x).post(reverse("campaigns:selfcheck_fill", args=[wuchuan.slug]), data)

    assert response.status_code == 302
    items = LedgerItem.objects.filter(source=LedgerItem.Source.SELF_CHECK).order_by("category__code")
    assert [(i.category.code, i.project, i.company) for i in items] == [
        ("1.4", project_a, project_a.company),
        ("3.1", project_a, project_a.company),
    ]
    assert items[1].problem == "自查发现：营业执照是否有效——答“否”。营业执照已过期"
    assert str(items[1].deadline) == "2030-05-01"
    check = SelfCheck.objects.get()
    assert len(check.answers) == 43 and check.problem_count == 2
    assert {a["item_id"] for a in check.answers if a["item_id"]} == {i.pk for i in items}


def test_an_unanswered_question_keeps_the_form_and_writes_nothing(wuchuan, project_a, company_x, client_for):
    data = all_fine(selfcheck.load_template()) | {"project": project_a.pk}
    del data["q_5.1.1"]

    response = client_for(company_x).post(reverse("campaigns:selfcheck_fill", args=[wuchuan.slug]), data)

    assert response.status_code == 200
    assert "请选择“是”或“否”" in response.content.decode()
    assert not SelfCheck.objects.exists() and not LedgerItem.objects.exists()


def test_a_company_cannot_fill_the_form_for_another_companys_project(
    wuchuan, projects, company_x, client_for
):
    project_y = projects["y"]
    data = all_fine(selfcheck.load_template()) | {"project": project_y.pk}

    response = client_for(company_x).post(reverse("campaigns:selfcheck_fill", args=[wuchuan.slug]), data)

    assert response.status_code == 200
    assert "project" in response.context["form"].errors
    assert not SelfCheck.objects.exists()


def test_a_filled_form_is_kept_and_only_its_owners_can_read_it(
    wuchuan, project_a, company_x, company_y, township_a, township_b, client_for
):
    template = selfcheck.load_template()
    answers = {
        q.code: selfcheck.Answer("是" if q.problem_answer == "否" else "否") for q in template.questions
    }
    check = selfcheck.submit(wuchuan, project_a, township_a, answers, template)
    url = reverse("campaigns:selfcheck_detail", args=[wuchuan.slug, check.pk])

    assert client_for(company_x).get(url).status_code == 200
    assert client_for(township_a).get(url).status_code == 200
    assert client_for(company_y).get(url).status_code == 404
    assert client_for(township_b).get(url).status_code == 404
    assert client_for(company_y).get("/api/self-checks/").json()["count"] == 0


def test_the_form_page_is_laid_out_by_section_for_a_phone(wuchuan, projects, company_x, client_for):
    page = (
        client_for(company_x).get(reverse("campaigns:selfcheck_fill", args=[wuchuan.slug])).content.decode()
    )

    assert page.count('class="selfcheck-question"') == 43
    assert page.count("<fieldset") == 6
    assert 'name="viewport"' in page
