"""异议: a company's written objection to a consequence, and the files it brings (issue 16).

The task force upholds it (the action is withdrawn, the reason kept on both) or rejects it with
a reason; the history rows keep who, when, before and after.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from orgs.models import Company


class ObjectionQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ObjectionQuerySet":
        """Whoever sees the action sees its objections (a department only those on actions aimed at it)."""
        from .models import Action

        return self.filter(action__in=Action.objects.visible_to(user))


def objection_path(attachment: "ObjectionFile", filename: str) -> str:
    """A generated name: nothing of the uploader's file name reaches the file system."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"objections/{timezone.now():%Y/%m}/{secrets.token_hex(16)}.{ext}"


class Objection(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("待处理")
        UPHELD = "upheld", _("异议成立")
        REJECTED = "rejected", _("异议驳回")

    action = models.ForeignKey("campaigns.Action", models.PROTECT, related_name="objections")
    company = models.ForeignKey(Company, models.PROTECT, related_name="objections")
    reasons = models.TextField(_("异议理由"))
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PENDING)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    filed_at = models.DateTimeField(_("提出时间"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    decision = models.TextField(_("处理意见"), blank=True)

    objects = ObjectionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("异议")
        verbose_name_plural = _("异议")
        ordering = ["-filed_at"]

    def __str__(self) -> str:
        return f"{self.company} · {self.action}"


class ObjectionFile(models.Model):
    """A supporting file, checked by content like ledger evidence (images re-encoded, PDFs parsed)."""

    objection = models.ForeignKey(Objection, models.PROTECT, related_name="files")
    file = models.FileField(upload_to=objection_path, max_length=200)
    original_name = models.CharField(_("文件名"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("异议材料")
        verbose_name_plural = _("异议材料")

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")
