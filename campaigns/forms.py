from django import forms
from django.utils.translation import gettext_lazy as _

from orgs.models import Project, Region

from .models import Campaign


class CampaignParametersForm(forms.ModelForm):
    """The rule parameters the task force may tune (SPEC.md "Parameters per campaign")."""

    class Meta:
        model = Campaign
        fields = [
            "title",
            "target",
            "ledger_title",
            "is_active",
            *Campaign.RULE_PARAMETERS,
        ]
        widgets = {
            "target": forms.Textarea(attrs={"rows": 3}),
            "complaint_data_since": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs["class"] = "form-check-input"
            elif isinstance(field.widget, forms.Select):
                field.widget.attrs["class"] = "form-select"
            else:
                field.widget.attrs["class"] = "form-control"
            if name in ("list_rule", "score_weights", "credit_thresholds"):
                field.widget.attrs["rows"] = 2

    def clean_report_due_day(self) -> int:
        day = self.cleaned_data["report_due_day"]
        if not 1 <= day <= 28:
            raise forms.ValidationError(_("月报截止日应在 1 到 28 日之间（每个月都有这一天）。"))
        return day

    def clean(self) -> dict:
        data = super().clean()
        num, den = data.get("company_blacklist_share_num"), data.get("company_blacklist_share_den")
        if num is not None and den is not None and (den == 0 or num > den):
            self.add_error("company_blacklist_share_den", _("比例的分母须大于 0 且不小于分子。"))
        return data


class PresetLoadForm(forms.Form):
    jurisdiction = forms.ModelChoiceField(
        label=_("属地"), queryset=Region.objects.none(), widget=forms.Select(attrs={"class": "form-select"})
    )
    slug = forms.SlugField(
        label=_("标识（可选）"),
        required=False,
        max_length=64,
        widget=forms.TextInput(attrs={"class": "form-control", "placeholder": "yishui-2024"}),
    )

    def __init__(self, *args, regions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].queryset = regions.exclude(level=Region.Level.COMMUNITY)


class SelfCheckForm(forms.Form):
    """One 是/否 per question of the template, an optional note each, the project and a deadline."""

    project = forms.ModelChoiceField(
        label=_("项目"), queryset=Project.objects.none(), widget=forms.Select(attrs={"class": "form-select"})
    )
    deadline = forms.DateField(
        label=_("整改时限（发现问题时）"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
    )

    def __init__(self, *args, template, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.template = template
        self.fields["project"].queryset = projects
        for question in template.questions:
            self.fields[f"q_{question.code}"] = forms.ChoiceField(
                label=question.text,
                choices=[("是", _("是")), ("否", _("否"))],
                widget=forms.RadioSelect,
                error_messages={"required": _("请选择“是”或“否”")},
            )
            self.fields[f"n_{question.code}"] = forms.CharField(
                label=_("说明"),
                required=False,
                max_length=500,
                widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
            )

    def sections(self):
        """(section, [(question, answer field, note field)]) for the template to lay out."""
        for section in self.template.sections:
            yield section, [(q, self[f"q_{q.code}"], self[f"n_{q.code}"]) for q in section.questions]

    def answers(self) -> dict:
        from .selfcheck import Answer

        data = self.cleaned_data
        return {
            q.code: Answer(data[f"q_{q.code}"], data.get(f"n_{q.code}", "")) for q in self.template.questions
        }
