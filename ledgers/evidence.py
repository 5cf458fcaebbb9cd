"""Evidence photos and documents: checked by content, images shrunk, stored under generated names.

A file's name and the browser's content type are the uploader's claims, so neither decides
anything: a PDF is recognised by its magic bytes, an image by Pillow parsing it. Images are
re-encoded as JPEG (EXIF orientation applied, metadata such as GPS dropped, longest side at
most 1600 px), which also means no uploaded bytes are ever served back as they came.
"""

from io import BytesIO

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from PIL import Image, ImageOps, UnidentifiedImageError

from orgs.models import User

from .models import Evidence, LedgerEvent, LedgerItem, OrderResponse
from .workflow import Move, WorkflowError, check_move, lock_item

MAX_SIDE = 1600
MAX_PIXELS = 60_000_000  # a 60-megapixel photo is already beyond any phone camera
PDF_MAGIC = b"%PDF-"


def _shrunk_jpeg(upload: UploadedFile) -> bytes:
    try:
        with Image.open(upload) as probe:
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as image:
            if image.width * image.height > MAX_PIXELS:
                raise WorkflowError("图片像素过大，请压缩后再上传。")
            image = ImageOps.exif_transpose(image)
            image = image.convert("RGB")
            image.thumbnail((MAX_SIDE, MAX_SIDE))
            out = BytesIO()
            image.save(out, "JPEG", quality=85, optimize=True)
            return out.getvalue()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as error:
        raise WorkflowError("只能上传图片（JPEG、PNG 等）或 PDF 文件。") from error


def checked_content(upload: UploadedFile) -> tuple[bytes, str, str]:
    """(bytes to store, content type, extension) for an upload, or WorkflowError with the reason."""
    limit = settings.MAX_UPLOAD_BYTES
    if upload.size is None or upload.size > limit:
        raise WorkflowError(f"文件过大，单个文件不能超过 {limit // (1024 * 1024)} MB。")
    if upload.size == 0:
        raise WorkflowError("文件是空的。")
    upload.seek(0)
    head = upload.read(len(PDF_MAGIC))
    upload.seek(0)
    if head == PDF_MAGIC:
        return upload.read(), "application/pdf", "pdf"
    return _shrunk_jpeg(upload), "image/jpeg", "jpg"


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
