"""What a person does with a complaint: name its project from the review queue, turn it into a ledger item.

Each move checks the person's scope and role, runs in a transaction, records the change,
and raises ComplaintError with a Chinese message when it is not allowed.
"""

from django.core.files import File
from django.db import transaction
from django.db.models.functions import Trim
from django.utils import timezone

from campaigns.models import Campaign
from orgs.models import Project, ProjectAlias

from .matching import basic
from .models import Complaint, ComplaintChange, MatchCandidate, MatchState

REVIEWERS = frozenset({"task_force", "township", "admin"})
IMPORTERS = frozenset({"task_force", "admin"})
# Issue 14: "A company may not close a complaint about itself: it answers; the township (or the task
# force) closes." Seed 000 §三(二) sends complaints 直达物业项目负责人和物业主管部门 — the company is told and
# answers; the authority judges it done.
ANSWERERS = frozenset({"task_force", "township", "admin", "company"})
CLOSERS = frozenset({"task_force", "township", "admin"})


class ComplaintError(Exception):
    """A move that is not allowed; the message is shown to the user as it is."""


def role_of(user) -> str:
    return "admin" if user.is_admin else user.role


def can_review(user) -> bool:
    return role_of(user) in REVIEWERS


def can_import(user) -> bool:
    return role_of(user) in IMPORTERS


def can_answer(user) -> bool:
    return role_of(user) in ANSWERERS


def can_close(user) -> bool:
    """May mark a resident's complaint 已办结 (a company answers but never closes its own)."""
    return role_of(user) in CLOSERS


@transaction.atomic
def resolve(complaint: Complaint, project: Project | None, user, save_alias: bool = False) -> list[int]:
    """Decide the spelling a pending complaint was written with; returns the ids of the complaints settled.

    A spelling is the township plus the name as the caller wrote it (SPEC.md: "The name as written wins
    over any shortened form: 阳光花园 and 阳光家园 are often two projects of one township"), so one
    decision settles every complaint waiting under it — never one written another way. `project` None
    means 不属于物业项目. With `save_alias`, the spelling becomes an alias of the project ("the person's
    choice teaches the matcher an alias"), so the next import matches it by itself.
    """
    if not can_review(user):
        raise ComplaintError("您的角色不能确认诉求对应的项目")
    if complaint.match_state not in (MatchState.REVIEW, MatchState.UNMATCHED):
        raise ComplaintError("该诉求已处理，无需再确认")
    if project is not None:
        _check_project(complaint, project, user)
    waiting = same_spelling(Complaint.objects.visible_to(user).pending(), complaint).select_for_update()
    rows = list(waiting.values_list("pk", "match_state"))
    if project is None:
        _set_outside(rows, user)
    else:
        if save_alias and complaint.raw_project_name.strip():
            _teach_alias(complaint, project)
        _set_project(rows, project, user)
    return [pk for pk, _ in rows]


def same_spelling(queryset, complaint: Complaint):
    """The rows of `queryset` written like `complaint`: same township, same name once trimmed.

    A complaint without a name has no spelling to share: it stands alone."""
    written = complaint.raw_project_name.strip()
    if not written:
        return queryset.filter(pk=complaint.pk)
    return queryset.annotate(written=Trim("raw_project_name")).filter(
        township_id=complaint.township_id, written=written
    )


def _check_project(complaint: Complaint, project: Project, user) -> None:
    if not Project.objects.visible_to(user).filter(pk=project.pk).exists():
        raise ComplaintError("该项目不在您的管辖范围内")
    is_candidate = complaint.candidates.filter(project=project).exists()
    if project.township_id != complaint.township_id and not is_candidate:
        raise ComplaintError("所选项目不在诉求所属镇街，且不在候选项目之中")


def _teach_alias(complaint: Complaint, project: Project) -> None:
    """Only within the township: an alias is how callers there name the project. Compared as written
    (width, spaces, punctuation aside), never shortened: 阳光家园 is no alias of 阳光花园."""
    spelling = basic(complaint.raw_project_name)
    if not spelling or project.township_id != complaint.township_id:
        return
    if spelling not in {basic(n) for n in [project.name, *project.aliases.values_list("name", flat=True)]}:
        ProjectAlias.objects.get_or_create(project=project, name=complaint.raw_project_name.strip()[:200])


def _set_project(rows: list[tuple[int, str]], project: Project, user) -> None:
    changes = [
        ComplaintChange(complaint_id=pk, field="project", before="", after=project.name, by=user)
        for pk, _ in rows
    ]
    _settle(rows, changes, project=project, region_path=project.region_path, match_state=MatchState.MATCHED)


def _set_outside(rows: list[tuple[int, str]], user) -> None:
    """不属于物业项目: out of the queue, counted against no project; the state it left is recorded."""
    after = MatchState.OUTSIDE.label
    changes = [
        ComplaintChange(
            complaint_id=pk, field="match_state", before=MatchState(s).label, after=after, by=user
        )
        for pk, s in rows
    ]
    _settle(rows, changes, match_state=MatchState.OUTSIDE)


def _settle(rows: list[tuple[int, str]], changes: list[ComplaintChange], **fields) -> None:
    """Write the decision on every row at once: a spelling can hold hundreds of complaints."""
    ids = [pk for pk, _ in rows]
    ComplaintChange.objects.bulk_create(changes)
    Complaint.objects.filter(pk__in=ids).update(
        **fields, match_method="manual", match_score=None, updated_at=timezone.now()
    )
    MatchCandidate.objects.filter(complaint_id__in=ids).delete()


def campaign_for(complaint: Complaint, user) -> Campaign | None:
    """The active campaign whose jurisdiction holds the complaint, the most local one first."""
    campaigns = Campaign.objects.visible_to(user).filter(is_active=True).select_related("jurisdiction")
    holding = [c for c in campaigns if complaint.region_path.startswith(c.jurisdiction.path)]
    return max(holding, key=lambda c: len(c.jurisdiction.path), default=None)


def ledger_ref(complaint: Complaint) -> str:
    return f"complaint:{complaint.pk}"


@transaction.atomic
def to_ledger_item(complaint: Complaint, user):
    """Turn a complaint into a ledger item (source 12345), once: a second click opens the same item."""
    from ledgers.models import LedgerItem
    from ledgers.workflow import WorkflowError, create_item

    existing = LedgerItem.objects.filter(source_ref=ledger_ref(complaint)).first()
    if existing is not None:
        return existing
    if complaint.project_id is None:
        raise ComplaintError("请先为该诉求确认对应的项目，再转为台账问题")
    campaign = campaign_for(complaint, user)
    if campaign is None:
        raise ComplaintError("没有覆盖该诉求所属镇街的进行中的整治行动")
    source = LedgerItem.Source.SNAPSHOT if complaint.channel == "snapshot" else LedgerItem.Source.HOTLINE
    problem = complaint.content or complaint.category or f"{complaint.get_channel_display()}诉求"
    try:
        item = create_item(
            user=user, campaign=campaign, project=complaint.project, problem=problem, source=source,
            source_ref=ledger_ref(complaint),
            note=f"{complaint.get_channel_display()}工单 {complaint.ticket}",
        )  # fmt: skip
        _carry_resident_photo(complaint, item, user)
    except WorkflowError as exc:
        raise ComplaintError(str(exc)) from exc
    return item


def _carry_resident_photo(complaint: Complaint, item, user) -> None:
    """A 随手拍 photo is the problem as the resident saw it: it becomes the item's 整改前 evidence."""
    from ledgers.evidence import attach
    from ledgers.models import Evidence

    report = getattr(complaint, "resident_report", None)
    if report is None or not report.photo:
        return
    with report.photo.open("rb") as photo:
        attach(item, user, File(photo, name=f"随手拍-{complaint.pk}.jpg"), kind=Evidence.Kind.BEFORE)
