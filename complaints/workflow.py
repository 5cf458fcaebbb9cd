"""What a person does with a complaint: name its project from the review queue, turn it into a ledger item.

Each move checks the person's scope and role, runs in a transaction, records the change,
and raises ComplaintError with a Chinese message when it is not allowed.
"""

from django.core.files import File
from django.db import transaction

from campaigns.models import Campaign
from orgs.models import Project, ProjectAlias

from .matching import basic
from .models import Complaint, ComplaintChange, MatchCandidate, MatchState

REVIEWERS = frozenset({"task_force", "township", "admin"})
IMPORTERS = frozenset({"task_force", "admin"})


class ComplaintError(Exception):
    """A move that is not allowed; the message is shown to the user as it is."""


def role_of(user) -> str:
    return "admin" if user.is_admin else user.role


def can_review(user) -> bool:
    return role_of(user) in REVIEWERS


def can_import(user) -> bool:
    return role_of(user) in IMPORTERS


@transaction.atomic
def resolve(complaint: Complaint, project: Project, user, save_alias: bool = False) -> list[int]:
    """Match a pending complaint to a project by hand; returns the ids of the complaints it settled.

    With `save_alias`, the caller's spelling becomes an alias of the project, so the next
    import matches it by itself — and the other complaints waiting under the same spelling
    in the same township are settled now. "The same spelling" is the name as written (width,
    spaces and punctuation aside), never a shortened form: settling 阳光小区 as 阳光花园 must not
    carry off the complaints about 阳光家园 that shorten to the same 阳光.
    """
    if not can_review(user):
        raise ComplaintError("您的角色不能确认诉求对应的项目")
    if complaint.match_state == MatchState.MATCHED:
        raise ComplaintError("该诉求已匹配项目，无需再确认")
    if not Project.objects.visible_to(user).filter(pk=project.pk).exists():
        raise ComplaintError("该项目不在您的管辖范围内")
    is_candidate = complaint.candidates.filter(project=project).exists()
    if project.township_id != complaint.township_id and not is_candidate:
        raise ComplaintError("所选项目不在诉求所属镇街，且不在候选项目之中")
    settled = [complaint]
    spelling = basic(complaint.raw_project_name)
    if save_alias and spelling and project.township_id == complaint.township_id:
        if spelling not in {
            basic(n) for n in [project.name, *project.aliases.values_list("name", flat=True)]
        }:
            ProjectAlias.objects.get_or_create(project=project, name=complaint.raw_project_name.strip()[:200])
        settled += _same_spelling(complaint, spelling, user)
    for c in settled:
        _apply(c, project, user)
    return [c.pk for c in settled]


def _same_spelling(complaint: Complaint, spelling: str, user) -> list[Complaint]:
    waiting = (
        Complaint.objects.visible_to(user)
        .pending()
        .filter(township_id=complaint.township_id)
        .exclude(pk=complaint.pk)
        .only("pk", "raw_project_name", "match_state", "township_id", "region_path")
    )
    return [c for c in waiting if basic(c.raw_project_name) == spelling]


def _apply(complaint: Complaint, project: Project, user) -> None:
    ComplaintChange.objects.create(
        complaint=complaint, field="project", before="", after=project.name, by=user
    )
    complaint.project, complaint.region_path = project, project.region_path
    complaint.match_state, complaint.match_method, complaint.match_score = MatchState.MATCHED, "manual", None
    complaint.save(
        update_fields=["project", "region_path", "match_state", "match_method", "match_score", "updated_at"]
    )
    MatchCandidate.objects.filter(complaint=complaint).delete()


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
