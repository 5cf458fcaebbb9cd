"""Photos as phones really send them are accepted; only the re-encoded pixels are stored.

The last round refused ordinary camera JPEGs ("图片中夹带网页或脚本内容") because the check searched
the compressed bytes for two-byte markers such as "<%", which occur by chance in any real photo.
"""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from config.uploads import reencode_image, sniff_upload
from ledgers import evidence
from ledgers.models import Evidence
from tests.samples import photos


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture(scope="module")
def camera_photo() -> bytes:
    return photos.camera_jpeg()


def upload(data: bytes, name: str, content_type: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def test_a_12_megapixel_camera_photo_is_stored_upright_and_shrunk(
    client_for, township_a, item_a, camera_photo
):
    response = client_for(township_a).post(
        reverse("ledgers:evidence_upload", args=[item_a.pk]),
        {"kind": "before", "file": upload(camera_photo, "IMG_2041.JPG", "image/jpeg")},
    )

    assert response.status_code == 302, response.content.decode()[:500]
    stored = Evidence.objects.get(item=item_a)
    with Image.open(stored.file.path) as image:
        # 4032×3024 stored sideways with Orientation 6: upright it is portrait, longest side 1600.
        assert image.size == (1200, 1600)
        assert not image.getexif()


@pytest.mark.parametrize("seed", range(8))
def test_ordinary_photos_are_never_refused_by_chance(seed):
    data = photos.camera_jpeg(size=(800, 600), seed=seed)
    assert sniff_upload(io.BytesIO(data)) == "image/jpeg"


@pytest.mark.parametrize(
    ("make", "name", "declared"),
    [
        (photos.screenshot_png, "Screenshot.png", "image/png"),
        (photos.iphone_heic, "IMG_0001.HEIC", "image/heic"),
        (photos.webp_photo, "wx_camera.webp", "image/webp"),
    ],
)
def test_screenshots_heic_and_webp_from_phones_are_accepted(item_a, township_a, make, name, declared):
    stored = evidence.attach(item_a, township_a, upload(make(), name, declared), "before")

    assert stored.content_type in {"image/jpeg", "image/png"}
    with Image.open(stored.file.path) as image:
        assert max(image.size) <= evidence.MAX_SIDE


def test_the_apps_own_reencoded_copy_passes_the_check_again(camera_photo):
    """转为台账问题 re-checks a resident's photo that was already re-encoded once."""
    once, _ = reencode_image(io.BytesIO(camera_photo), max_side=1600)
    assert sniff_upload(io.BytesIO(once)) == "image/jpeg"
    twice, content_type = reencode_image(io.BytesIO(once), max_side=1600)
    assert content_type == "image/jpeg" and twice


def test_a_page_hidden_after_a_camera_photo_is_still_refused(item_a, township_a, camera_photo):
    hostile = camera_photo + b"<html><script>alert(document.cookie)</script></html>"
    with pytest.raises(evidence.WorkflowError, match="网页或脚本"):
        evidence.attach(item_a, township_a, upload(hostile, "IMG.jpg", "image/jpeg"), "before")
    assert not Evidence.objects.exists()
