"""Forms of the 双随机抽查 pages: making a draw and recording a visit."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from orgs.models import Company, Project, Region

from .inspection_models import InspectionDraw
from .inspection_workflow import Finding, PoolFilter, eligible_inspectors
from .models import Campaign, Category

CONTROL = {"class": "form-control form-control-sm"}
SELECT = {"class": "form-select form-select-sm"}
YES_NO = [("", _("不限")), ("1", _("是")), ("0", _("否"))]


class InspectorChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user) -> str:
        return f"{user}（{user.department or user.region or ''}）"


class DrawForm(forms.Form):
    title = forms.CharField(label=_("抽查名称"), max_length=100, widget=forms.TextInput(CONTROL))
    township = forms.ModelChoiceField(
        label=_("镇街"), queryset=Region.objects.none(), required=False, widget=forms.Select(SELECT)
    )
    company = forms.ModelChoiceField(
        label=_("物业企业"),
        queryset=Company.objects.order_by("name"),
        required=False,
        widget=forms.Select(SELECT),
    )
    service_standard = forms.ChoiceField(
        label=_("服务标准"),
        choices=[("*", _("不限"))] + list(Project.Standard.choices),
        required=False,
        widget=forms.Select(SELECT),
    )
    resettlement = forms.ChoiceField(
        label=_("动迁安置小区"), choices=YES_NO, required=False, widget=forms.Select(SELECT)
    )
    spare_good_credit = forms.BooleanField(
        label=_("信用等级 AA 级以上企业的项目不列入本次抽查（绿色通道，减少检查频次）"), required=False
    )
    inspectors = InspectorChoice(label=_("检查人员池"), queryset=None, widget=forms.CheckboxSelectMultiple)
    project_count = forms.IntegerField(
        label=_("抽取项目数 N"), min_value=1, widget=forms.NumberInput(CONTROL)
    )
    inspector_count = forms.IntegerField(
        label=_("抽取人员数 M"), min_value=1, widget=forms.NumberInput(CONTROL)
    )
    typed = forms.RegexField(
        label=_("现场数字"),
        regex=r"^\d{1,12}$",
        help_text=_("由专班在抽取现场公开报出的数字，计入随机种子。"),
        widget=forms.TextInput({**CONTROL, "inputmode": "numeric"}),
    )
    supersedes = forms.ModelChoiceField(
        label=_("取代此前的抽取"),
        queryset=InspectionDraw.objects.none(),
        required=False,
        widget=forms.Select(SELECT),
    )
    reason = forms.CharField(
        label=_("重新抽取理由"), max_length=200, required=False, widget=forms.TextInput(CONTROL)
    )

    def __init__(self, *args, campaign: Campaign, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = Region.objects.filter(
            level=Region.Level.TOWNSHIP, path__startswith=campaign.jurisdiction.path
        ).order_by("name")
        self.fields["inspectors"].queryset = eligible_inspectors(campaign).order_by("pk")
        self.fields["supersedes"].queryset = InspectionDraw.objects.filter(
            campaign=campaign, superseded_by__isnull=True, visits__isnull=True
        )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("supersedes") and not (data.get("reason") or "").strip():
            self.add_error("reason", _("重新抽取必须说明理由。"))
        return data

    def pool(self) -> PoolFilter:
        d = self.cleaned_data
        standard = d.get("service_standard")
        resettlement = d.get("resettlement")
        return PoolFilter(
            township_id=d["township"].pk if d.get("township") else None,
            company_id=d["company"].pk if d.get("company") else None,
            service_standard=None if standard in (None, "*") else standard,
            resettlement=None if resettlement in (None, "") else resettlement == "1",
            spare_good_credit=d.get("spare_good_credit", False),
        )


class VisitForm(forms.Form):
    visited_on = forms.DateField(
        label=_("检查日期"), initial=timezone.localdate, widget=forms.DateInput({**CONTROL, "type": "date"})
    )
    inspectors = InspectorChoice(label=_("检查人员"), queryset=None, widget=forms.CheckboxSelectMultiple)
    score = forms.DecimalField(
        label=_("得分（0–100）"),
        min_value=0,
        max_value=100,
        decimal_places=2,
        widget=forms.NumberInput(CONTROL),
    )

    def __init__(self, *args, checklist: dict, inspectors, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["inspectors"].queryset = inspectors
        self.fields["inspectors"].initial = list(inspectors.values_list("pk", flat=True))
        self.questions = checklist["questions"]
        for q in self.questions:
            self.fields[f"q{q['code']}"] = forms.ChoiceField(
                label=q["text"],
                choices=[("符合", _("符合")), ("不符合", _("不符合"))],
                widget=forms.RadioSelect,
            )

    def checklist_rows(self) -> list[dict]:
        return [
            {"code": q["code"], "text": q["text"], "answer": self.cleaned_data[f"q{q['code']}"]}
            for q in self.questions
        ]

    def question_fields(self):
        return [self[f"q{q['code']}"] for q in self.questions]


class FindingForm(forms.Form):
    problem = forms.CharField(
        label=_("发现问题"), max_length=500, required=False, widget=forms.TextInput(CONTROL)
    )
    category = forms.ModelChoiceField(
        label=_("整治内容"), queryset=Category.objects.none(), required=False, widget=forms.Select(SELECT)
    )
    deadline = forms.DateField(
        label=_("整改时限"), required=False, widget=forms.DateInput({**CONTROL, "type": "date"})
    )

    def __init__(self, *args, campaign: Campaign, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(campaign=campaign).order_by("order", "pk")

    def clean(self) -> dict:
        data = super().clean()
        if (data.get("problem") or "").strip() and not data.get("deadline"):
            # Seed 001 §三(三): "查出的问题要限期整改".
            self.add_error("deadline", _("督查发现的问题须限期整改，请填写整改时限。"))
        return data

    def finding(self) -> Finding | None:
        d = self.cleaned_data
        if not (d.get("problem") or "").strip():
            return None
        return Finding(d["problem"], d.get("category"), d.get("deadline"))


FindingFormSet = forms.formset_factory(FindingForm, extra=3)
