"""The action register (整改措施登记): one list for every consequence in the product, monthly or quarterly.

Every queryset is Action.objects.visible_to(user); decisions go through
actions (confirm / waive / complete), which checks the role and the state.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config.uploads import content_disposition
from orgs.views import paginate
from scoring.excel import workbook_bytes

from . import actions as register
from .action_forms import CompleteForm, WaiveForm
from .filters import ActionFilter
from .models import Action

EVIDENCE_LABELS = {
    "quarter": "季度",
    "month": "月份",
    "months": "月份",
    "list": "榜单",
    "score": "得分",
    "rank": "排名",
    "of": "参评总数",
    "black_quarters": "上黑榜季度",
    "list_rule": "榜单规则",
    "black_projects": "黑榜项目数",
    "served_projects": "服务项目数",
    "share": "比例线",
    "black_project_ids": "黑榜项目编号",
    "company": "企业",
    "on_black_list": "列入黑榜",
    "price_quality_complaints": "质价不符诉求数",
    "threshold": "降费评估线",
    "last_quarters": "倒数季度",
    "evaluated_on": "评价日期",
    "evaluator": "评价单位",
    "note": "评价意见",
    "evaluation_id": "评价记录",
    "count": "诉求量",
    "counts": "诉求量",
    "streak": "连续上榜月数",
}


def _actions(request: HttpRequest):
    return Action.objects.visible_to(request.user).select_related("campaign", "project__township", "township")


@login_required
def action_list(request: HttpRequest) -> HttpResponse:
    filterset = ActionFilter(request.GET, queryset=_actions(request), request=request)
    page = paginate(request, filterset.qs, 50)
    template = "campaigns/_action_rows.html" if request.htmx else "campaigns/action_list.html"
    return render(request, template, {"filter": filterset, "page": page})


@login_required
def action_export(request: HttpRequest) -> HttpResponse:
    filterset = ActionFilter(request.GET, queryset=_actions(request), request=request)
    rows = (
        [
            a.campaign.title,
            a.get_kind_display(),
            a.period,
            a.get_target_type_display(),
            a.target_name,
            a.rule,
            _evidence_text(a.evidence),
            a.get_status_display(),
            a.reason,
            a.done_note,
            timezone.localtime(a.created_at).strftime("%Y-%m-%d"),
        ]
        for a in filterset.qs.iterator(chunk_size=2000)
    )
    header = [
        "整治行动",
        "措施",
        "期间",
        "对象类型",
        "对象",
        "规则",
        "依据",
        "状态",
        "免除理由",
        "办理结果",
        "提出日期",
    ]
    data = workbook_bytes([("整改措施", header, rows)])
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = content_disposition("整改措施登记.xlsx")
    return response


def _evidence_text(evidence: dict) -> str:
    return "；".join(f"{EVIDENCE_LABELS.get(k, k)}：{_value(v)}" for k, v in evidence.items())


LIST_NAMES = {"red": "红榜", "black": "黑榜"}


def _value(value) -> str:
    if isinstance(value, str) and value in LIST_NAMES:
        return LIST_NAMES[value]
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)


@login_required
def action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_object_or_404(_actions(request), pk=pk)
    history = action.history.select_related("history_user").order_by("-history_date")
    evidence = [(EVIDENCE_LABELS.get(k, k), _value(v)) for k, v in action.evidence.items()]
    context = {
        "action": action,
        "evidence": evidence,
        "history": history,
        "can_decide": register.may_decide(request.user),
        "waive_form": WaiveForm(),
        "complete_form": CompleteForm(),
    }
    return render(request, "campaigns/action_detail.html", context)


def _decide(request: HttpRequest, pk: int, move) -> HttpResponse:
    action = get_object_or_404(_actions(request), pk=pk)
    try:
        move(action)
    except register.ActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已更新：%(a)s") % {"a": action.get_status_display()})
    return redirect("actions:detail", pk=pk)


@login_required
@require_POST
def action_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, lambda a: register.confirm(a, request.user))


@login_required
@require_POST
def action_waive(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, lambda a: register.waive(a, request.user, request.POST.get("reason", "")))


@login_required
@require_POST
def action_complete(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, lambda a: register.complete(a, request.user, request.POST.get("note", "")))
