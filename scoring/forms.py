from django import forms
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign
from config.uploads import upload_too_large
from orgs.models import Project

from .excel import ImportFileError, check_header
from .periods import PeriodError, Quarter

BS = {"class": "form-control"}
SELECT = {"class": "form-select"}


def quarter_field() -> forms.CharField:
    return forms.CharField(
        label=_("季度"), max_length=7, widget=forms.TextInput({**BS, "placeholder": "2024-Q3"})
    )


class ScopedForm(forms.Form):
    """A form whose campaign and project choices are the user's own scope."""

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if "campaign" in self.fields:
            self.fields["campaign"].queryset = Campaign.objects.visible_to(user)
        if "project" in self.fields:
            self.fields["project"].queryset = Project.objects.visible_to(user).select_related("township")

    def clean_quarter(self) -> str:
        try:
            return str(Quarter.parse(self.cleaned_data["quarter"]))
        except PeriodError as exc:
            raise forms.ValidationError(str(exc)) from exc


class ComputeForm(ScopedForm):
    campaign = forms.ModelChoiceField(
        label=_("整治行动"), queryset=Campaign.objects.none(), widget=forms.Select(SELECT)
    )
    quarter = quarter_field()


class ImportForm(ScopedForm):
    campaign = forms.ModelChoiceField(
        label=_("整治行动"), queryset=Campaign.objects.none(), widget=forms.Select(SELECT)
    )
    quarter = quarter_field()
    kind = forms.ChoiceField(
        label=_("数据类型"),
        choices=[
            ("satisfaction", _("满意度测评（街道、项目名称、满意度、样本量）")),
            ("inspection", _("督查得分（街道、项目名称、督查得分）")),
        ],
        widget=forms.Select(SELECT),
    )
    file = forms.FileField(label=_("Excel 文件"), widget=forms.ClearableFileInput({**BS, "accept": ".xlsx"}))

    def clean(self):
        """One cap for every upload, and the header judged from the first rows only; the worker reads the rest."""
        data = super().clean()
        upload, kind = data.get("file"), data.get("kind")
        if upload is None or kind is None:
            return data
        if problem := upload_too_large(upload.size):
            self.add_error("file", problem)
            return data
        try:
            check_header(upload, kind)
        except ImportFileError as exc:
            self.add_error("file", str(exc))
        upload.seek(0)
        return data


class InspectionForm(ScopedForm):
    campaign = forms.ModelChoiceField(
        label=_("整治行动"), queryset=Campaign.objects.none(), widget=forms.Select(SELECT)
    )
    project = forms.ModelChoiceField(
        label=_("项目"), queryset=Project.objects.none(), widget=forms.Select(SELECT)
    )
    quarter = quarter_field()
    score = forms.DecimalField(
        label=_("督查得分"), min_value=0, max_value=100, decimal_places=2, widget=forms.NumberInput(BS)
    )
    note = forms.CharField(label=_("说明"), required=False, max_length=255, widget=forms.TextInput(BS))


class EvaluationForm(ScopedForm):
    campaign = forms.ModelChoiceField(
        label=_("整治行动"), queryset=Campaign.objects.none(), widget=forms.Select(SELECT)
    )
    project = forms.ModelChoiceField(
        label=_("项目"), queryset=Project.objects.none(), widget=forms.Select(SELECT)
    )
    evaluated_on = forms.DateField(label=_("评价日期"), widget=forms.DateInput({**BS, "type": "date"}))
    evaluator = forms.CharField(label=_("评价单位"), max_length=100, widget=forms.TextInput(BS))
    passed = forms.TypedChoiceField(
        label=_("评价结论"),
        choices=[("1", _("合格")), ("0", _("不合格"))],
        coerce=lambda v: v == "1",
        widget=forms.Select(SELECT),
    )
    note = forms.CharField(label=_("评价意见"), required=False, widget=forms.Textarea({**BS, "rows": 3}))


class PublishMonthForm(ScopedForm):
    campaign = forms.ModelChoiceField(
        label=_("整治行动"), queryset=Campaign.objects.none(), widget=forms.Select(SELECT)
    )
    month = forms.RegexField(
        label=_("月份"),
        regex=r"^\d{4}-(0[1-9]|1[0-2])$",
        widget=forms.TextInput({**BS, "placeholder": "2024-07"}),
    )
