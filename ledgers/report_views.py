"""Monthly report pages (月报) and typical cases (典型案例): scope → form → service → response."""

from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from campaigns.models import Campaign
from orgs.models import Project, Region, User

from . import monthly_reports as service
from .evidence import FileRefused
from .models import MonthlyReport, TypicalCase
from .report_excel import report_workbook
from .workflow import WorkflowError

MONTH = r"\d{4}-(0[1-9]|1[0-2])"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class CaseForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=TypicalCase.Kind.choices)
    title = forms.CharField(label="标题", max_length=200)
    project = forms.ModelChoiceField(label="项目", queryset=Project.objects.none(), required=False)
    happened = forms.CharField(label="基本情况", widget=forms.Textarea(attrs={"rows": 3}))
    done = forms.CharField(label="处理结果", widget=forms.Textarea(attrs={"rows": 3}))
    photo = forms.FileField(label="照片", required=False)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = Project.objects.visible_to(user).order_by("name")
        for field in self.fields.values():
            field.widget.attrs.setdefault(
                "class", "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            )


def _campaign(request: HttpRequest) -> Campaign:
    campaigns = Campaign.objects.visible_to(request.user).filter(is_active=True).order_by("-id")
    wanted = request.GET.get("campaign") or request.POST.get("campaign")
    campaign = campaigns.filter(pk=wanted).first() if wanted and wanted.isdigit() else campaigns.first()
    if campaign is None:
        raise Http404
    return campaign


def _month(request: HttpRequest, campaign: Campaign) -> str:
    month = request.GET.get("month") or request.POST.get("month") or ""
    if forms.RegexField(MONTH).regex.fullmatch(month):
        return month
    return service.month_due_on(campaign.report_due_day, timezone.localdate())


def _may_supervise(user: User) -> bool:
    return user.is_admin or user.role == User.Role.TASK_FORCE


def _roll(campaign: Campaign, month: str) -> list[dict]:
    """Every township of the campaign with its report for the month: two queries."""
    due = service.due_date(campaign.report_due_day, month)
    now = timezone.now()
    reports = {
        r.township_id: r
        for r in MonthlyReport.objects.filter(campaign=campaign, month=month).select_related("submitted_by")
    }
    towns = Region.objects.filter(path__startswith=campaign.jurisdiction.path, level=Region.Level.TOWNSHIP)
    rows = []
    for town in towns.order_by("name"):
        report = reports.get(town.pk)
        first = report.first_submitted_at if report else None
        rows.append({"township": town, "report": report, "late": service.is_late(due, first, now)})
    return rows


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    return _report_page(request)


def _report_page(
    request: HttpRequest, case_form: CaseForm | None = None, status: int = 200, typed: dict | None = None
) -> HttpResponse:
    """The task force's roll of who submitted and who is late; a township's own reports and its form
    (`case_form` bound when a typical case was refused, `typed` the refused report's figures and
    text: what was typed comes back)."""
    user = request.user
    if not (_may_supervise(user) or user.role == User.Role.TOWNSHIP):
        raise Http404
    campaign = _campaign(request)
    month = _month(request, campaign)
    if user.role == User.Role.TOWNSHIP and not (request.GET.get("month") or request.POST.get("month")):
        month = service.month_to_fill(campaign, user.region, timezone.localdate())
    context = {
        "campaign": campaign,
        "campaigns": Campaign.objects.visible_to(user).filter(is_active=True),
        "month": month,
        "due": service.due_date(campaign.report_due_day, month),
        "supervise": _may_supervise(user),
    }
    if context["supervise"]:
        context["roll"] = _roll(campaign, month)
    else:
        context["reports"] = (
            MonthlyReport.objects.visible_to(user).filter(campaign=campaign).order_by("-month")
        )
        context["current"] = context["reports"].filter(month=month).first()
        context["indicators"] = service.indicators_of(campaign)
        context["cases"] = TypicalCase.objects.visible_to(user).filter(campaign=campaign, report=None)
        context["case_form"] = case_form or CaseForm(user=user)
        current = context["current"]
        context["form_values"] = typed["indicators"] if typed else (current.indicators if current else {})
        context["form_summary"] = typed["summary"] if typed else (current.summary if current else "")
    return render(request, "ledgers/reports/report_list.html", context, status=status)


@login_required
@require_POST
def report_submit(request: HttpRequest) -> HttpResponse:
    campaign = _campaign(request)
    month = _month(request, campaign)
    try:
        report = service.submit(campaign, request.user, month, request.POST, request.POST.get("summary", ""))
    except WorkflowError as error:
        messages.error(request, str(error))
        typed = {"indicators": request.POST.dict(), "summary": request.POST.get("summary", "")}
        return _report_page(request, status=400, typed=typed)
    messages.success(request, "月报已报送。")
    return redirect("ledgers:report_detail", report.pk)


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(
        MonthlyReport.objects.visible_to(request.user).select_related("campaign", "township", "submitted_by"),
        pk=pk,
    )
    due = service.due_date(report.campaign.report_due_day, report.month)
    context = {
        "report": report,
        "indicators": service.labelled_indicators(report),
        "template": service.indicators_of(report.campaign),
        "due": due,
        "late": service.is_late(due, report.first_submitted_at, timezone.now()),
        "cases": report.cases.select_related("project", "company"),
        "supervise": _may_supervise(request.user),
        "may_resubmit": request.user.role == User.Role.TOWNSHIP
        and report.status == MonthlyReport.Status.RETURNED,
    }
    return render(request, "ledgers/reports/report_detail.html", context)


@login_required
@require_POST
def report_return(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(MonthlyReport.objects.visible_to(request.user), pk=pk)
    try:
        service.return_report(report, request.user, request.POST.get("comment", ""))
    except WorkflowError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "已退回。")
    return redirect("ledgers:report_detail", report.pk)


@login_required
@require_POST
def case_create(request: HttpRequest) -> HttpResponse:
    campaign = _campaign(request)
    form = CaseForm(request.POST, request.FILES, user=request.user)
    if form.is_valid():
        data = {
            **form.cleaned_data,
            "project": form.cleaned_data["project"] and form.cleaned_data["project"].pk,
        }
        try:
            service.add_case(campaign, request.user, data, request.FILES.get("photo"))
        except WorkflowError as error:
            form.add_error("photo" if isinstance(error, FileRefused) else None, str(error))
        else:
            messages.success(request, "案例已保存，将随本月月报报送。")
            return redirect("ledgers:report_list")
    messages.error(request, "案例未保存，请按提示修改：")
    return _report_page(request, case_form=form, status=400)


@login_required
@require_POST
def case_publish(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_object_or_404(TypicalCase.objects.visible_to(request.user), pk=pk)
    try:
        service.set_published(case, request.user, request.POST.get("publish") == "1")
    except WorkflowError as error:
        messages.error(request, str(error))
    return (
        redirect("ledgers:report_detail", case.report_id)
        if case.report_id
        else redirect("ledgers:report_list")
    )


def case_photo(request: HttpRequest, pk: int) -> FileResponse:
    """A case's photo: to those who may see the case, or to anyone once the case is published."""
    visible = TypicalCase.objects.visible_to(request.user) | TypicalCase.objects.published()
    case = get_object_or_404(visible.exclude(photo=""), pk=pk)
    response = FileResponse(case.photo.open("rb"), content_type=case.photo_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def public_cases(request: HttpRequest) -> HttpResponse:
    """典型案例 for the public: published cases only, without who recorded them."""
    cases = (
        TypicalCase.objects.published()
        .select_related("campaign", "township", "project", "company")
        .order_by("-published_at", "-id")[:100]
    )
    return render(request, "ledgers/reports/public_cases.html", {"cases": cases})


@login_required
def report_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(
        MonthlyReport.objects.visible_to(request.user).select_related("township"), pk=pk
    )
    response = HttpResponse(report_workbook(report, service.labelled_indicators(report)), content_type=XLSX)
    name = quote(f"{report.township.name}-{report.month}-月报.xlsx")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
    return response


@login_required
def report_template(request: HttpRequest) -> HttpResponse:
    """The task force sets the campaign's 成果指标 form; townships fill it from the next report on."""
    if not _may_supervise(request.user):
        raise Http404
    campaign = _campaign(request)
    text = "\n".join(f"{f['key']}|{f['label']}" for f in service.indicators_of(campaign))
    if request.method == "POST":
        text = request.POST.get("indicators", "")
        try:
            service.set_indicators(campaign, request.user, text)
        except WorkflowError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "成果指标已保存。")
            return redirect(f"{reverse('ledgers:report_list')}?campaign={campaign.pk}")
    return render(request, "ledgers/reports/report_template.html", {"campaign": campaign, "text": text})
