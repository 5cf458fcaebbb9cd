"""Typical cases (典型案例): photos pass the evidence checks; a photo is served to its township or once published."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from ledgers import monthly_reports as service
from ledgers.workflow import WorkflowError

CASE = {"kind": "positive", "title": "业委会督促整改见成效", "happened": "电梯长期故障", "done": "已更换主板"}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def photo() -> SimpleUploadedFile:
    out = BytesIO()
    Image.new("RGB", (400, 300), (30, 120, 30)).save(out, "JPEG")
    return SimpleUploadedFile("IMG_1.jpg", out.getvalue(), content_type="image/jpeg")


def test_a_script_posing_as_a_photo_is_refused(campaign, township_a):
    fake = SimpleUploadedFile("x.jpg", b"<?php system($_GET['c']); ?>", content_type="image/jpeg")
    with pytest.raises(WorkflowError):
        service.add_case(campaign, township_a, CASE, fake)


def test_photo_is_reencoded_and_served_only_in_scope_until_published(
    client, client_for, campaign, township_a, township_b, task_force, project_a
):
    case = service.add_case(campaign, township_a, {**CASE, "project": project_a.pk}, photo())
    assert case.photo_type == "image/jpeg" and case.company == project_a.company
    url = f"/ledgers/cases/{case.pk}/photo/"
    assert client_for(township_a).get(url).status_code == 200
    assert client_for(township_b).get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 404
    service.set_published(case, task_force, True)
    assert client.get(url).status_code == 200


def test_township_cannot_attach_another_townships_project(campaign, township_a, project_b):
    with pytest.raises(WorkflowError, match="不在本镇"):
        service.add_case(campaign, township_a, {**CASE, "project": project_b.pk}, None)


def test_public_list_takes_few_queries(
    client, campaign, township_a, task_force, django_assert_max_num_queries
):
    for n in range(5):
        service.set_published(
            service.add_case(campaign, township_a, {**CASE, "title": f"案例{n}"}, None), task_force, True
        )
    with django_assert_max_num_queries(4):
        page = client.get("/ledgers/cases/public/")
    assert page.content.decode().count("案例") >= 5
