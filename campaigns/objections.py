"""异议: the company objects to a consequence; the task force upholds or rejects it (issue 16).

A company may object within the campaign's objection_working_days (default 5) after the action
was proposed or, if later, confirmed; working days are Monday to Friday (public holidays are not
known to the product, so the period is never shorter than the plan's). Upheld: the action is
withdrawn and the reason kept; rejected: the action stands and the reason is kept. Each change
is a history row (who, when, before, after).
"""

from collections.abc import Iterable
from datetime import date, timedelta

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from ledgers.evidence import checked_content
from ledgers.workflow import WorkflowError
from orgs.models import Notification
from orgs.notifications import notify

from .actions import may_decide, task_force_of
from .models import Action, Objection, ObjectionFile

MAX_FILES = 5
OPEN_STATUSES = (Action.Status.PROPOSED, Action.Status.CONFIRMED)


class ObjectionError(Exception):
    """An objection or a decision on one that is not allowed; the message is for the user, in Chinese."""


def add_working_days(start: date, days: int) -> date:
    day = start
    while days > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


def deadline(action: Action) -> date:
    """The last day to object: N working days after the proposal or, if later, the confirmation."""
    since = max(t for t in (action.created_at, action.decided_at) if t is not None)
    return add_working_days(timezone.localdate(since), action.campaign.objection_working_days)


def refusal(user, action: Action) -> str:
    """Why this user may not object to the action now ('' when they may)."""
    if user.role != user.Role.COMPANY or not user.company_id or user.company_id != action.company_id:
        return "只有被采取措施的物业企业可以提出异议"
    if action.status not in OPEN_STATUSES:
        return f"该措施当前为“{action.get_status_display()}”，不能提出异议"
    if timezone.localdate() > deadline(action):
        return f"异议期限已过（截至 {deadline(action):%Y年%m月%d日}）"
    if action.objections.filter(status=Objection.Status.PENDING).exists():
        return "已有一份异议正在处理"
    return ""


@transaction.atomic
def file_objection(action: Action, user, reasons: str, uploads: Iterable[UploadedFile] = ()) -> Objection:
    """Record the company's objection with its supporting files, and tell the task force."""
    action = Action.objects.select_for_update().select_related("campaign").get(pk=action.pk)
    why_not = refusal(user, action)
    if why_not:
        raise ObjectionError(why_not)
    if not reasons.strip():
        raise ObjectionError("请写明异议理由")
    uploads = list(uploads)
    if len(uploads) > MAX_FILES:
        raise ObjectionError(f"证明材料最多 {MAX_FILES} 个文件")
    checked = [(upload, _checked(upload)) for upload in uploads]
    objection = Objection.objects.create(
        action=action,
        company_id=user.company_id,
        reasons=reasons.strip(),
        filed_by=user,
    )
    for upload, (content, content_type, ext) in checked:
        stored = ObjectionFile(
            objection=objection,
            original_name=(upload.name or "")[:255],
            content_type=content_type,
            size=len(content),
        )
        stored.file.save(f"upload.{ext}", ContentFile(content), save=False)
        stored.save()
    notify(
        task_force_of(action.campaign),
        Notification.Kind.ACTION_PROPOSED,
        f"{action.company or action.target_name}对“{action.get_kind_display()}”提出异议",
        url=reverse("actions:detail", args=[action.pk]),
        body=reasons.strip()[:200],
    )
    return objection


def _checked(upload: UploadedFile) -> tuple[bytes, str, str]:
    try:
        return checked_content(upload)
    except WorkflowError as error:
        raise ObjectionError(f"{upload.name}：{error}") from error


def _decide(objection: Objection, user, decision: str) -> Objection:
    if not may_decide(user):
        raise ObjectionError("只有专班可以处理异议")
    if objection.status != Objection.Status.PENDING:
        raise ObjectionError(f"该异议已{objection.get_status_display()}，不能再处理")
    if not decision.strip():
        raise ObjectionError("处理异议必须写明理由")
    objection.decided_by, objection.decided_at, objection.decision = user, timezone.now(), decision.strip()
    return objection


@transaction.atomic
def uphold(objection: Objection, user, decision: str) -> Objection:
    """异议成立: the action is withdrawn (never deleted), with the reason on it and on the objection."""
    _decide(objection, user, decision)
    objection.status = Objection.Status.UPHELD
    objection.save()
    action = objection.action
    action.status, action.reason = Action.Status.WITHDRAWN, f"异议成立：{objection.decision}"
    action.decided_by, action.decided_at = user, objection.decided_at
    action.save()
    _tell_company(objection, "成立，措施已撤销")
    return objection


@transaction.atomic
def reject(objection: Objection, user, decision: str) -> Objection:
    """异议驳回: the action stands; the company reads why."""
    _decide(objection, user, decision)
    objection.status = Objection.Status.REJECTED
    objection.save()
    _tell_company(objection, "被驳回")
    return objection


def _tell_company(objection: Objection, outcome: str) -> None:
    action = objection.action
    notify(
        [objection.filed_by],
        Notification.Kind.ACTION_PROPOSED,
        f"您对“{action.get_kind_display()}”的异议{outcome}",
        url=reverse("actions:detail", args=[action.pk]),
        body=objection.decision[:200],
    )
