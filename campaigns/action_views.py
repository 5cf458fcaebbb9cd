"""The action register (整改措施登记): one list for every consequence in the product, monthly or quarterly.

Every queryset is Action.objects.visible_to(user); decisions go through
actions (confirm / waive / complete / decide_many), which checks the role and the state.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config.uploads import content_disposition
from orgs.views import paginate
from scoring.excel import workbook_bytes

from . import action_evidence, action_rules, action_sources, objections
from . import actions as register
from .action_forms import BulkDecisionForm, CompleteForm, ObjectionDecisionForm, WaiveForm
from .filters import ActionFilter
from .models import Action

PAGE_SIZE = 50


def _actions(request: HttpRequest):
    return Action.objects.visible_to(request.user).select_related("campaign", "project__township", "township")


@login_required
def action_list(request: HttpRequest) -> HttpResponse:
    filterset = ActionFilter(request.GET, queryset=_actions(request), request=request)
    page = paginate(request, filterset.qs, PAGE_SIZE)
    names = action_evidence.project_names(page, request.user)
    rows = [(a, action_evidence.summary(a.evidence, names)) for a in page]
    context = {
        "filter": filterset,
        "page": page,
        "rows": rows,
        "can_decide": register.may_decide(request.user),
        "bulk_form": BulkDecisionForm(user=request.user),
    }
    template = "campaigns/_action_rows.html" if request.htmx else "campaigns/action_list.html"
    return render(request, template, context)


@login_required
@require_POST
def action_bulk(request: HttpRequest) -> HttpResponse:
    """Confirm or waive the ticked proposals; heavy ones first show a page naming them (issue 14)."""
    back = reverse("actions:list") + ("?" + request.POST["next"] if request.POST.get("next") else "")
    form = BulkDecisionForm(request.POST, user=request.user)
    if not form.is_valid():
        errors = " ".join(e for errs in form.errors.values() for e in errs)
        messages.error(request, _("批量决定未执行：%(e)s") % {"e": errors})
        return redirect(back)
    data, user = form.cleaned_data, request.user
    chosen = list(data["ids"].select_related("campaign", "project__township", "township"))
    shown = register.was_shown(user, chosen, data["token"])
    if data["decision"] == "confirm" and not shown and register.may_decide(user):
        context = {
            "chosen": chosen,
            "heavy": register.heavy(chosen),
            "token": register.confirmation_token(user, chosen),
            "next": request.POST.get("next", ""),
        }
        return render(request, "campaigns/action_confirm_heavy.html", context)
    try:
        done = register.decide_many(chosen, user, data["decision"], data["reason"], data["token"])
    except register.ActionError as exc:
        messages.error(request, str(exc))
    else:
        verb = _("确认") if data["decision"] == "confirm" else _("免除")
        messages.success(request, _("已%(v)s %(n)s 项措施。") % {"v": verb, "n": done})
    return redirect(back)


@login_required
def action_export(request: HttpRequest) -> HttpResponse:
    filterset = ActionFilter(request.GET, queryset=_actions(request), request=request)
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
    data = workbook_bytes([("整改措施", header, _export_rows(filterset.qs, request.user))])
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = content_disposition("整改措施登记.xlsx")
    return response


def _export_rows(actions, user):
    """Rows of the spreadsheet, 2,000 actions at a time with the project names their evidence needs."""
    chunk: list[Action] = []
    for action in actions.iterator(chunk_size=2000):
        chunk.append(action)
        if len(chunk) == 2000:
            yield from _export_chunk(chunk, user)
            chunk = []
    yield from _export_chunk(chunk, user)


def _export_chunk(chunk: list[Action], user):
    names = action_evidence.project_names(chunk, user)
    for a in chunk:
        yield [
            a.campaign.title,
            a.get_kind_display(),
            action_evidence.period_words(a.period),
            a.get_target_type_display(),
            a.target_name,
            a.rule,
            action_evidence.text(a.evidence, names),
            a.get_status_display(),
            a.reason,
            a.done_note,
            timezone.localtime(a.created_at).strftime("%Y-%m-%d"),
        ]


@login_required
def action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_object_or_404(_actions(request), pk=pk)
    history = action.history.select_related("history_user").order_by("-history_date")
    context = {
        "action": action,
        "evidence": action_evidence.describe(
            action.evidence, action_evidence.project_names([action], request.user)
        ),
        "history": history,
        "heavy": action.kind in register.HEAVY_KINDS,
        "objections": action.objections.select_related("filed_by", "decided_by").prefetch_related("files"),
        "may_object": not objections.refusal(request.user, action),
        "objection_deadline": objections.deadline(action),
        "objection_form": ObjectionDecisionForm(),
        "can_decide": register.may_decide(request.user),
        "waive_form": WaiveForm(),
        "complete_form": CompleteForm(),
    }
    return render(request, "campaigns/action_detail.html", context)


@login_required
def action_sources_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Issue 16: the rows the action rests on, each table read through the viewer's scope."""
    action = get_object_or_404(_actions(request), pk=pk)
    context = {"action": action, "tables": action_sources.sources(action, request.user)}
    return render(request, "campaigns/action_sources.html", context)


@login_required
def action_notice(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable 告知书 (A4) to the company or unit: the rule with the seed quoted, the figures,
    the source rows and how to object within the campaign's working days."""
    action = get_object_or_404(_actions(request).select_related("company"), pk=pk)
    rule = action_rules.rule_of(action)
    context = {
        "action": action,
        "addressee": action.company.name if action.company_id else action.target_name,
        "plan": action_rules.plan_name(action.campaign),
        "period": action_evidence.period_words(action.period),
        "quote": rule.quote if rule else "",
        "evidence": action_evidence.describe(
            action.evidence, action_evidence.project_names([action], request.user)
        ),
        "tables": action_sources.sources(action, request.user),
        "issuer": action.campaign.issuer or f"{action.campaign.title}工作专班",
        "today": timezone.localdate(),
    }
    return render(request, "campaigns/action_notice.html", context)


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
    token = request.POST.get("token", "")
    return _decide(request, pk, lambda a: register.confirm(a, request.user, token))


@login_required
@require_POST
def action_waive(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, lambda a: register.waive(a, request.user, request.POST.get("reason", "")))


@login_required
@require_POST
def action_complete(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, lambda a: register.complete(a, request.user, request.POST.get("note", "")))
