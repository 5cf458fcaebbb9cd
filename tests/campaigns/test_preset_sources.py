"""Each preset's source plan is kept in the repository and shown beside the preset, in simplified characters."""

from pathlib import Path

import pytest
from django.urls import reverse

from campaigns.preset_loader import available_presets, load_preset
from campaigns.preset_sources import SOURCES_DIR, original_text, preset_source
from tests import seeds

REPO = Path(__file__).resolve().parents[2]


def test_the_seed_texts_the_tests_read_are_inside_the_repository():
    assert SOURCES_DIR.resolve().is_relative_to(REPO)
    assert seeds.seed_text("002").startswith(original_text("wuchuan-2023")[:200])


@pytest.mark.parametrize("slug", [p.slug for p in available_presets()])
def test_every_preset_has_its_source_plan_with_its_document_number(slug):
    source = preset_source(slug)

    assert len(source.text) > 3_000
    assert source.doc_number in source.text


def test_the_changshu_plan_is_kept_as_published_and_shown_simplified():
    assert "常熟市物業管理服務領域突出問題專項整治工作方案" in original_text("changshu-2025")

    source = preset_source("changshu-2025")

    assert source.converted
    assert "常熟市物业管理服务领域突出问题专项整治工作方案" in source.text
    assert "物業" not in source.text and "辦" not in source.text


def test_a_township_officer_reads_a_plan_on_its_page(client, township_a):
    client.force_login(township_a)

    response = client.get(reverse("campaigns:preset_source", args=["changshu-2025"]))

    assert response.status_code == 200
    body = response.content.decode()
    assert "常政办发〔2025〕33号" in body and "常政辦發" not in body
    assert "按简体字显示" in body
    assert f'href="{reverse("campaigns:preset_list")}"' not in body, "the load tab is only for who may load"


def test_the_preset_list_links_each_preset_to_its_plan(client, task_force):
    client.force_login(task_force)

    body = client.get(reverse("campaigns:preset_list")).content.decode()

    for preset in available_presets():
        assert reverse("campaigns:preset_source", args=[preset.slug]) in body


def test_a_campaign_loaded_from_a_preset_links_to_its_plan(client, task_force, county):
    campaign = load_preset("yishui-2024", jurisdiction=county.pk, new_slug="ys").campaign
    client.force_login(task_force)

    body = client.get(reverse("campaigns:campaign_detail", args=[campaign.slug])).content.decode()

    assert reverse("campaigns:preset_source", args=["yishui-2024"]) in body


@pytest.mark.parametrize("slug", ["nowhere-2030", "wuchuan-2023-selfcheck"])
def test_an_unknown_plan_is_not_found(client, township_a, slug):
    client.force_login(township_a)

    assert client.get(reverse("campaigns:preset_source", args=[slug])).status_code == 404


def test_a_visitor_must_sign_in_to_read_a_plan(client, db):
    response = client.get(reverse("campaigns:preset_source", args=["yishui-2024"]))

    assert response.status_code == 302
