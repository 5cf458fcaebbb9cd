from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from orgs.models import Job, Project
from tests.orgs.roster_files import messy_rows, workbook_bytes


def upload(content: bytes, name: str = "台账.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/vnd.ms-excel")


def test_task_force_previews_then_confirms_an_import(
    task_force, project_a, project_b, client_for, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client = client_for(task_force)
    response = client.post(
        reverse("orgs:import_projects"),
        {"file": upload(workbook_bytes(messy_rows())), "county": task_force.region_id},
    )
    preview = Job.objects.get()
    assert response.url == reverse("orgs:import_job", args=[preview.pk])
    page = client.get(response.url)
    assert preview.result["counts"] == {"created": 2, "updated": 1, "unchanged": 0, "refused": 4}
    assert "确认导入" in page.text and "项目名称（D列）：项目名称为空" in page.text
    assert not Project.objects.filter(name="锦绣苑二期").exists()

    assert preview.result["new_regions"] == ["西关镇"] and "允许新建街道/乡镇：西关镇" in page.text
    response = client.post(reverse("orgs:import_confirm", args=[preview.pk]), {"create_regions": "1"})
    final = Job.objects.exclude(pk=preview.pk).get()
    assert final.status == Job.Status.DONE and final.result["counts"]["created"] == 2
    assert Project.objects.filter(name="锦绣苑二期").exists()
    assert "确认导入" not in client.get(response.url).text
    assert not list(tmp_path.glob("imports/*"))  # the upload is removed once imported


def test_direct_import_skips_the_preview(admin_user, county, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    rows = [[1, "城关街道", "北关社区", "书香苑", None, None, 120, None, None, None, None, None, None]]
    client_for(admin_user).post(
        reverse("orgs:import_projects"),
        {"file": upload(workbook_bytes(rows)), "county": county.pk, "direct": "on", "create_regions": "on"},
    )
    assert Job.objects.get().params["dry_run"] is False
    assert Project.objects.filter(name="书香苑", township__parent=county).exists()


def test_a_file_that_is_not_xlsx_is_refused_on_the_form(task_force, client_for):
    client = client_for(task_force)
    response = client.post(
        reverse("orgs:import_projects"),
        {"file": upload(b"a,b\n", "roster.csv"), "county": task_force.region_id},
    )
    assert response.status_code == 200 and "请上传 Excel（.xlsx）文件" in response.text
    response = client.post(
        reverse("orgs:import_projects"), {"file": upload(b"PK\x03\x04junk"), "county": task_force.region_id}
    )
    assert response.status_code == 200 and "已损坏" in response.text
    assert not Job.objects.exists()


def test_township_company_and_department_cannot_import(township_a, company_x, department, client_for):
    for user in (township_a, company_x, department):
        assert client_for(user).get(reverse("orgs:import_projects")).status_code == 403


def test_another_users_import_job_is_not_found(task_force, admin_user, county, client_for):
    job = Job.objects.create(
        kind="import_projects", title="x", created_by=admin_user, params={"dry_run": True}
    )
    client = client_for(task_force)
    assert client.get(reverse("orgs:import_job", args=[job.pk])).status_code == 404
    assert client.post(reverse("orgs:import_confirm", args=[job.pk])).status_code == 404


def test_a_task_force_can_only_import_into_its_own_county(task_force, client_for, settings, tmp_path):
    from orgs.models import Region

    settings.MEDIA_ROOT = tmp_path
    other = Region.objects.create(name="别县", level=Region.Level.DISTRICT, parent=task_force.region.parent)
    response = client_for(task_force).post(
        reverse("orgs:import_projects"), {"file": upload(workbook_bytes([])), "county": other.pk}
    )
    assert response.status_code == 200 and not Job.objects.exists()


def test_admin_without_any_county_is_told_what_to_do(admin_user, client_for):
    page = client_for(admin_user).get(reverse("orgs:import_projects"))
    assert "系统中还没有可导入的区县" in page.text


def test_abandoned_preview_uploads_are_removed_after_a_week(task_force, client_for, settings, tmp_path):
    from datetime import timedelta

    from django.utils import timezone

    from orgs.tasks import remove_abandoned_uploads

    settings.MEDIA_ROOT = tmp_path
    client = client_for(task_force)
    client.post(
        reverse("orgs:import_projects"), {"file": upload(workbook_bytes([])), "county": task_force.region_id}
    )
    preview = Job.objects.get()
    assert remove_abandoned_uploads() == 0  # fresh: kept
    Job.objects.filter(pk=preview.pk).update(created_at=timezone.now() - timedelta(days=8))
    assert remove_abandoned_uploads.delay().get() == 1
    assert not list(tmp_path.glob("imports/*"))
    response = client.post(reverse("orgs:import_confirm", args=[preview.pk]), follow=True)
    assert "这份预览已过期" in response.text
    assert Job.objects.count() == 1
