"""Bulletin pages: archive, the live draft with charts, commentary, publication, print and Excel."""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from campaigns.models import Campaign

from . import bulletins
from .models import Bulletin
from .report_excel import bulletin_workbook
from .workflow import WorkflowError

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _bulletin(request: HttpRequest, pk: int) -> Bulletin:
    return get_object_or_404(Bulletin.objects.visible_to(request.user).select_related("campaign"), pk=pk)


@login_required
def bulletin_list(request: HttpRequest) -> HttpResponse:
    """The archive: published bulletins per campaign, and for the task force its drafts and a new one."""
    if not bulletins.may_read(request.user):
        raise Http404
    rows = (
        Bulletin.objects.visible_to(request.user)
        .select_related("campaign")
        .order_by("campaign_id", "-period")
    )
    may_edit = bulletins.may_edit(request.user)
    today = timezone.localdate()
    context = {
        "published": [b for b in rows if b.is_published],
        "drafts": [b for b in rows if not b.is_published] if may_edit else [],
        "may_edit": may_edit,
        "campaigns": Campaign.objects.visible_to(request.user).filter(is_active=True) if may_edit else [],
        # The latest ended periods: only they can be published (a running one is still a live draft).
        "this_week": bulletins.period_containing(Bulletin.Kind.WEEKLY, today).previous().key,
        "this_month": bulletins.period_containing(Bulletin.Kind.MONTHLY, today).previous().key,
    }
    return render(request, "ledgers/reports/bulletin_list.html", context)


@login_required
@require_POST
def bulletin_open(request: HttpRequest) -> HttpResponse:
    """Open (or create) the draft of a campaign's week or month."""
    campaign = get_object_or_404(Campaign.objects.visible_to(request.user), pk=request.POST.get("campaign"))
    kind = request.POST.get("kind", "")
    try:
        period = bulletins.parse_period(kind, request.POST.get("period", ""))
        bulletin = bulletins.draft_for(campaign, period, request.user)
    except (ValueError, TypeError):
        messages.error(request, "期间格式不正确。")
        return redirect("ledgers:bulletin_list")
    except WorkflowError as error:
        raise Http404 from error
    return redirect("ledgers:bulletin_detail", bulletin.pk)


def _chart(figures: dict) -> dict:
    towns = figures["townships"]
    return {
        "labels": [t["name"] for t in towns],
        "found": [t["found"] for t in towns],
        "closed": [t["closed"] for t in towns],
        "overdue": [t["overdue"] for t in towns],
        "complaints": [t["complaints"]["now"] for t in towns],
        "complaints_before": [t["complaints"]["before"] for t in towns],
        "period": figures["period"]["label"],
        "previous": figures["previous_label"],
    }


@login_required
def bulletin_detail(request: HttpRequest, pk: int) -> HttpResponse:
    bulletin = _bulletin(request, pk)
    figures = bulletins.figures_of(bulletin)
    context = {
        "bulletin": bulletin,
        "figures": figures,
        "chart": _chart(figures),
        "may_edit": bulletins.may_edit(request.user) and not bulletin.is_published,
    }
    return render(request, "ledgers/reports/bulletin_detail.html", context)


@login_required
@require_POST
def bulletin_edit(request: HttpRequest, pk: int) -> HttpResponse:
    bulletin = _bulletin(request, pk)
    if _save_text(request, bulletin):
        messages.success(request, "已保存。")
    return redirect("ledgers:bulletin_detail", bulletin.pk)


def _save_text(request: HttpRequest, bulletin: Bulletin) -> bool:
    post = request.POST
    try:
        bulletins.edit(
            bulletin,
            request.user,
            post.get("issuer", "")[:200],
            post.get("commentary", ""),
            post.get("next_steps", ""),
        )
    except WorkflowError as error:
        messages.error(request, str(error))
        return False
    return True


@login_required
@require_POST
def bulletin_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """印发 from the text form: what was typed is saved first, so it is never lost and never left out."""
    bulletin = _bulletin(request, pk)
    if "commentary" in request.POST and not _save_text(request, bulletin):
        return redirect("ledgers:bulletin_detail", bulletin.pk)
    try:
        bulletin = bulletins.publish(bulletin, request.user)
    except WorkflowError as error:
        saved = "文字已保存。" if "commentary" in request.POST else ""
        messages.error(request, f"{error}{saved}")
    else:
        messages.success(request, f"已印发第{bulletin.number}期。")
    return redirect("ledgers:bulletin_detail", bulletin.pk)


@login_required
def bulletin_print(request: HttpRequest, pk: int) -> HttpResponse:
    bulletin = _bulletin(request, pk)
    context = {"bulletin": bulletin, "figures": bulletins.figures_of(bulletin)}
    return render(request, "ledgers/reports/bulletin_print.html", context)


@login_required
def bulletin_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    bulletin = _bulletin(request, pk)
    data = bulletin_workbook(bulletin, bulletins.figures_of(bulletin))
    response = HttpResponse(data, content_type=XLSX)
    name = f"{bulletin.get_kind_display()}-{bulletin.period}.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response
