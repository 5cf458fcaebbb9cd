"""Uploads are judged by content, capped in size, images shrunk and stripped, files served only in scope."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from ledgers import evidence
from ledgers.models import Evidence
from ledgers.workflow import WorkflowError
from tests.samples import pdfs


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def photo(width=3000, height=2000, orientation=None, name="IMG_0001.jpg") -> SimpleUploadedFile:
    image = Image.new("RGB", (width, height), (200, 30, 30))
    exif = Image.Exif()
    exif[0x0110] = "PhoneCam"  # camera model: metadata that must not survive
    if orientation:
        exif[0x0112] = orientation
    out = BytesIO()
    image.save(out, "JPEG", exif=exif)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def test_an_image_is_shrunk_rotated_and_stripped_of_metadata(item_a, township_a):
    stored = evidence.attach(item_a, township_a, photo(orientation=6), "before")
    with Image.open(stored.file.path) as image:
        assert image.format == "JPEG"
        # Orientation 6 means "rotate 90°": the 3000×2000 photo stands upright, then shrinks.
        assert image.size == (1067, 1600)
        assert not image.getexif()
    assert stored.content_type == "image/jpeg" and stored.original_name == "IMG_0001.jpg"
    assert "IMG_0001" not in stored.file.name
    assert item_a.events.filter(move="evidence").exists()


def test_a_php_file_renamed_jpg_is_refused(item_a, township_a):
    upload = SimpleUploadedFile("shell.jpg", b"<?php system($_GET['c']); ?>", content_type="image/jpeg")
    with pytest.raises(WorkflowError, match="脚本"):
        evidence.attach(item_a, township_a, upload, "before")
    assert not Evidence.objects.exists()


def test_an_oversized_file_is_refused(item_a, township_a, settings):
    settings.MAX_UPLOAD_BYTES = 10_000
    with pytest.raises(WorkflowError, match="文件过大"):
        evidence.attach(item_a, township_a, photo(), "before")
    assert not Evidence.objects.exists()


def test_a_pdf_is_kept_as_a_document_and_downloaded_as_an_attachment(client_for, item_a, township_a):
    upload = SimpleUploadedFile("整改报告.pdf", pdfs.PLAIN, content_type="application/pdf")
    stored = evidence.attach(item_a, township_a, upload, "document")
    response = client_for(township_a).get(reverse("ledgers:evidence_file", args=[stored.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_closed_item_takes_no_more_evidence(item_a, township_a, company_x):
    from ledgers import workflow

    workflow.submit(item_a, company_x)
    workflow.accept(item_a, township_a)
    with pytest.raises(WorkflowError):
        evidence.attach(item_a, company_x, photo(), "after")


def test_the_upload_page_refuses_a_foreign_item(client_for, township_b, item_a):
    response = client_for(township_b).post(
        reverse("ledgers:evidence_upload", args=[item_a.pk]), {"kind": "before", "file": photo()}
    )
    assert response.status_code == 404
    assert not Evidence.objects.exists()


def test_the_upload_page_stores_a_photo_from_a_phone(client_for, company_x, item_a):
    response = client_for(company_x).post(
        reverse("ledgers:evidence_upload", args=[item_a.pk]), {"kind": "after", "file": photo(800, 600)}
    )
    assert response.status_code == 302
    stored = Evidence.objects.get()
    assert (stored.kind, stored.uploaded_by) == ("after", company_x)
    image = client_for(company_x).get(reverse("ledgers:evidence_file", args=[stored.pk]))
    assert image["Content-Type"] == "image/jpeg"
    assert image["Content-Disposition"].startswith("inline")


@pytest.mark.parametrize(
    "shape", ["openaction javascript", "openaction j#61vascript", "openaction l#61unch cmd.exe"]
)
def test_a_pdf_carrying_javascript_or_a_launch_is_refused_however_it_is_spelled(item_a, township_a, shape):
    upload = SimpleUploadedFile("通知.pdf", pdfs.HOSTILE[shape])
    with pytest.raises(WorkflowError, match="PDF"):
        evidence.attach(item_a, township_a, upload, "document")
    assert not Evidence.objects.exists()


def test_the_api_refuses_an_escaped_launch_action_and_stores_nothing(client_for, item_a, township_a):
    """The outside test's case: `/S /L#61unch /F (cmd.exe)` was accepted with 201 and kept byte for byte."""
    upload = SimpleUploadedFile("整改报告.pdf", pdfs.HOSTILE["openaction l#61unch cmd.exe"])
    response = client_for(township_a).post(
        f"/api/ledger-items/{item_a.pk}/evidence/", {"kind": "document", "file": upload}
    )
    assert response.status_code == 400
    assert "PDF" in str(response.json())
    assert not Evidence.objects.exists()


def test_a_spreadsheet_is_not_evidence(item_a, township_a):
    upload = SimpleUploadedFile("a.csv", "项目,问题\n阳光花园,漏水\n".encode())
    with pytest.raises(WorkflowError, match="不接受"):
        evidence.attach(item_a, township_a, upload, "document")
