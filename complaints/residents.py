"""The residents' channel (码上办/随手拍): a report sent from a project's QR page becomes a complaint.

Seed 000 §三(二): "建设智慧物业服务管理综合平台，开发物业服务诉求“码上办”、“随手拍”等小程序，
畅通业主诉求反映渠道，让物业服务相关诉求直达物业项目负责人和物业主管部门，避免问题矛盾上交，
不断提高居民诉求解决效率".

So a report goes straight to the township and to the company serving the project; the resident
keeps a check code to follow it. Abuse controls (issue 6): rate limits per IP and per phone,
counted in the database rather than Django's cache, because the default cache is per process
and a limit that each gunicorn worker counts on its own is no limit.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from config.client_address import client_address
from orgs.models import Company, Notification, Project, User
from orgs.notifications import notify

from .models import Channel, Complaint, MatchState, ResidentReport, StatusLookup

CATEGORIES = [
    "环境卫生",
    "设施设备（电梯、门禁、照明等）",
    "消防安全（消防通道、消防设施）",
    "停车与秩序",
    "绿化养护",
    "收费与公示",
    "服务态度",
    "其他",
]
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud over the phone
CODE_LENGTH = 10  # 50 bits: unguessable at 20 tries an hour


class ResidentError(Exception):
    """A report or a lookup refused; the Chinese message is shown to the resident as it is."""

    status = 400


class RateLimited(ResidentError):
    status = 429


# --- Status as the resident sees it -------------------------------------------------------------

RECEIVED, IN_HAND, DONE = "已受理", "处理中", "已办结"


@dataclass(frozen=True)
class Progress:
    has_item: bool
    item_status: str  # the ledger item's status, "" without one
    closed_by_reply: bool


# Seed 000 §三(二): "让物业服务相关诉求直达物业项目负责人和物业主管部门" — the resident sees
# only how far the report has come: taken into the ledger means someone is working on it.
def public_status(progress: Progress) -> str:
    if progress.closed_by_reply or progress.item_status in ("closed", "withdrawn"):
        return DONE
    return IN_HAND if progress.has_item else RECEIVED


def status_of(report: ResidentReport) -> str:
    from .pages import ledger_item_for

    item = ledger_item_for(report.complaint)
    return public_status(
        Progress(item is not None, item.status if item else "", report.closed_at is not None)
    )


# --- Codes and hashes --------------------------------------------------------------------------


def _digest(kind: str, value: str, key: str | None = None) -> str:
    """HMAC of a code, phone or address: a copy of the database alone cannot test guesses against it."""
    secret = (key or settings.SECRET_KEY).encode()
    return hmac.new(secret, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def _code_digests(code: str) -> list[str]:
    """The code under the current key and under SECRET_KEY_FALLBACKS, so rotating the key keeps codes working."""
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [_digest("code", normalise_code(code), key) for key in keys]


def new_check_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def format_code(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


def client_ip(request) -> str:
    """The resident's own address behind the proxy: the hourly limits count people, not the proxy."""
    return client_address(request)


# --- Public facts ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicFacts:
    """What a gate poster and the QR page may show: nothing about residents, no manager's phone."""

    project: Project
    company_name: str
    company_phone: str
    rating_level: str
    rating_quarter: str


def published_rating(company: Company | None) -> tuple[str, str]:
    """(level, quarter label) of the company's latest published credit rating, or ("", "")."""
    from scoring.models import CreditRating
    from scoring.periods import Quarter

    rating = CreditRating.objects.latest_published(company)
    return (rating.level, Quarter.parse(rating.run.quarter).label) if rating else ("", "")


def public_facts(project: Project) -> PublicFacts:
    level, quarter = published_rating(project.company)
    company = project.company
    return PublicFacts(
        project, company.name if company else "", company.phone if company else "", level, quarter
    )


# --- Limits -------------------------------------------------------------------------------------------


def check_report_limits(ip: str, phone: str, now=None) -> None:
    """Refuse the N+1th report from one address in an hour or from one phone in a day."""
    now = now or timezone.now()
    recent = ResidentReport.objects.all()
    per_ip = settings.RESIDENT_REPORTS_PER_IP_HOUR
    if recent.filter(ip_hash=_digest("ip", ip), created_at__gte=now - timedelta(hours=1)).count() >= per_ip:
        raise RateLimited(f"提交过于频繁：同一网络每小时最多提交 {per_ip} 条，请稍后再试或拨打 12345。")
    per_phone = settings.RESIDENT_REPORTS_PER_PHONE_DAY
    since = now - timedelta(days=1)
    if recent.filter(phone_hash=_digest("phone", phone), created_at__gte=since).count() >= per_phone:
        raise RateLimited(f"该手机号今天已提交 {per_phone} 条反映，请明天再试或拨打 12345。")


def _serialise(*keys: str) -> None:
    """Make concurrent reports from one address or phone wait for each other until commit.

    SQLite needs nothing: its transactions begin IMMEDIATE (config/settings.py), one writer at a
    time. PostgreSQL takes a transaction-level advisory lock per key, in sorted order (no deadlock).
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for key in sorted(set(keys)):
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [int(key[:15], 16)])


def check_lookup_limit(ip: str) -> None:
    """Count this status check and refuse beyond the hourly limit, so codes cannot be tried in bulk."""
    ip_hash, limit = _digest("ip", ip), settings.RESIDENT_LOOKUPS_PER_IP_HOUR
    since = timezone.now() - timedelta(hours=1)
    if StatusLookup.objects.filter(ip_hash=ip_hash, at__gte=since).count() >= limit:
        raise RateLimited("查询过于频繁，请一小时后再试。")
    StatusLookup.objects.create(ip_hash=ip_hash)
    # Only the last hour counts; older rows of this address go, so the table stays small.
    StatusLookup.objects.filter(ip_hash=ip_hash, at__lt=since).delete()


# --- Submitting and finding a report ---------------------------------------------------------------


def checked_photo(upload: UploadedFile) -> tuple[bytes, str, str]:
    """The ledger's evidence checks (content sniffing, re-encoding), an image only, within the cap."""
    from ledgers.evidence import checked_content
    from ledgers.workflow import WorkflowError

    limit = settings.RESIDENT_PHOTO_MAX_BYTES
    if upload.size is None or upload.size > limit:
        raise ResidentError(f"照片过大，不能超过 {limit // (1024 * 1024)} MB。")
    try:
        data, content_type, ext = checked_content(upload)
    except WorkflowError as exc:
        raise ResidentError(str(exc)) from exc
    if not content_type.startswith("image/"):
        raise ResidentError("只能上传照片（JPEG/PNG 等图片）。")
    return data, content_type, ext


@dataclass(frozen=True)
class Submitted:
    complaint: Complaint
    code: str  # shown to the resident once; only its hash is stored


def submit(
    project: Project, *, category: str, description: str, phone: str, ip: str, photo=None
) -> Submitted:
    """Record a report as a 随手拍 complaint on the project and tell the township and the company."""
    check_report_limits(ip, phone)  # before the photo is decoded: a refused sender costs no work
    photo_content = checked_photo(photo) if photo else None
    code = new_check_code()
    with transaction.atomic():
        _serialise(_digest("ip", ip), _digest("phone", phone))
        check_report_limits(ip, phone)  # again under the lock, so two reports at once cannot both pass
        complaint = Complaint.objects.create(
            channel=Channel.SNAPSHOT, ticket=f"SP{timezone.localdate():%Y%m%d}-{secrets.token_hex(5).upper()}",
            received_at=timezone.now(), township_id=project.township_id, region_path=project.region_path,
            raw_project_name=project.name, address=project.address, category=category, content=description,
            status=RECEIVED, project=project, match_state=MatchState.MATCHED, match_method="qr",
        )  # fmt: skip
        report = ResidentReport(
            complaint=complaint, phone=phone, code_hash=_digest("code", code),
            ip_hash=_digest("ip", ip), phone_hash=_digest("phone", phone),
        )  # fmt: skip
        if photo_content:
            data, report.photo_type, ext = photo_content
            report.photo.save(f"photo.{ext}", ContentFile(data), save=False)
        report.save()
        transaction.on_commit(lambda: _tell_responsible(complaint, project))
    return Submitted(complaint, code)


def _tell_responsible(complaint: Complaint, project: Project) -> None:
    """直达物业项目负责人和物业主管部门: the township's officers and the serving company's users."""
    officers = User.objects.filter(role=User.Role.TOWNSHIP, region_id=project.township_id)
    company = User.objects.filter(role=User.Role.COMPANY, company_id=project.company_id or 0)
    url = reverse("complaints:detail", args=[complaint.pk])
    title = f"随手拍：{project.name} 居民反映{complaint.category}问题"
    notify(
        [*officers, *company], Notification.Kind.RESIDENT_REPORT, title, url=url, body=complaint.content[:500]
    )


def find(code: str, phone_tail: str) -> ResidentReport | None:
    """The report with this code whose phone ends in these four digits; None for any mismatch."""
    report = (
        ResidentReport.objects.filter(code_hash__in=_code_digests(code)).select_related("complaint").first()
    )
    if report is None or not hmac.compare_digest(report.phone[-4:], phone_tail):
        return None
    return report


@transaction.atomic
def answer(report: ResidentReport, user, reply: str, close: bool) -> None:
    """The public reply the resident reads with the check code; `close` marks the report 已办结."""
    from .workflow import ComplaintError, can_answer, can_close

    if not can_answer(user):
        raise ComplaintError("您的角色不能答复居民反映")
    if close and not can_close(user):
        raise ComplaintError("物业企业只能答复，是否办结由镇街或专班确认")
    report.reply, report.replied_at, report.replied_by = reply.strip(), timezone.now(), user
    report.closed_at = report.closed_at or (timezone.now() if close else None)
    report.save(update_fields=["reply", "replied_at", "replied_by", "closed_at"])
