"""Evidence photos and documents: checked by content, images shrunk, stored under generated names.

A file's name and the browser's content type are the uploader's claims, so neither decides
anything: the shared checks in config/uploads.py judge the bytes. Images are re-encoded (EXIF
orientation applied, metadata such as GPS dropped, longest side at most 1600 px), which also
means no uploaded image bytes are ever served back as they came.
"""

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from PIL import Image, UnidentifiedImageError

from config.uploads import IMAGE_TYPES, PDF, UnsafeFile, reencode_image, sniff_upload
from orgs.models import User

from .models import Evidence, LedgerEvent, LedgerItem, OrderResponse
from .workflow import Move, WorkflowError, check_move, lock_item

MAX_SIDE = 1600
MAX_PIXELS = 60_000_000  # beyond any phone camera; decoding more would only cost memory
ACCEPTED = set(IMAGE_TYPES.values()) | {PDF}
EXTENSIONS = {PDF: "pdf", "image/png": "png", "image/jpeg": "jpg"}


class FileRefused(WorkflowError):
    """The file itself was refused (type, size, content): the page names the file field, keeps
    everything else the person typed, and asks for the file again."""


def _check_pixels(upload: UploadedFile) -> None:
    try:
        with Image.open(upload) as image:
            too_big = image.width * image.height > MAX_PIXELS
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
        raise FileRefused("图片无法读取，请换一张照片。") from error
    finally:
        upload.seek(0)
    if too_big:
        raise FileRefused("图片像素过大，请压缩后再上传。")


def checked_content(upload: UploadedFile) -> tuple[bytes, str, str]:
    """(bytes to store, content type, extension) for an upload, or FileRefused with the reason.

    The type is judged by content (config.uploads.sniff_upload refuses scripts, pages, polyglots
    and PDFs carrying JavaScript); images are re-encoded, upright, at most 1600 px.
    """
    limit = settings.MAX_UPLOAD_BYTES
    if upload.size is None or upload.size > limit:
        raise FileRefused(f"文件过大，单个文件不能超过 {limit // (1024 * 1024)} MB。")
    if upload.size == 0:
        raise FileRefused("文件是空的。")
    try:
        content_type = sniff_upload(upload, allowed=ACCEPTED)
        if content_type == PDF:
            upload.seek(0)
            return upload.read(), PDF, "pdf"
        _check_pixels(upload)
        data, content_type = reencode_image(upload, max_side=MAX_SIDE)
    except UnsafeFile as error:
        raise FileRefused(error.messages[0]) from error
    return data, content_type, EXTENSIONS.get(content_type, "jpg")


@transaction.atomic
def attach(
    item: LedgerItem,
    user: User,
    upload: UploadedFile,
    kind: str = Evidence.Kind.BEFORE,
    response: OrderResponse | None = None,
) -> Evidence:
    """Attach a checked file to an open item the user may work on; the upload is recorded as an event."""
    if kind not in Evidence.Kind.values:
        raise WorkflowError("请选择材料类别。")
    locked = lock_item(item, user, None)
    check_move(user, locked, Move.EVIDENCE)
    content, content_type, ext = checked_content(upload)
    evidence = Evidence(
        item=locked,
        response=response,
        kind=kind,
        original_name=(upload.name or "")[:255],
        content_type=content_type,
        size=len(content),
        uploaded_by=user,
    )
    evidence.file.save(f"upload.{ext}", ContentFile(content), save=False)
    evidence.save()
    LedgerEvent.objects.create(
        item=locked,
        actor=user,
        move=Move.EVIDENCE,
        from_status=locked.status,
        to_status=locked.status,
        note=f"{evidence.get_kind_display()}：{evidence.original_name}",
    )
    return evidence
