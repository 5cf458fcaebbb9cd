from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from orgs.models import Project, Region

from .models import Campaign

WEIGHTS = {
    "satisfaction": _("业主满意度"),
    "inspection": _("督查"),
    "complaints": _("诉求"),
    "timeliness": _("整改及时率"),
}
LEVELS = ("AAA", "AA", "A", "B")
LIST_MODES = [
    ("size", _("按名次：前 N 名红榜、后 N 名黑榜")),
    ("share", _("按比例：前 N% 红榜、后 N% 黑榜")),
    ("threshold", _("按分数线")),
]
MONTH_RE = r"^\d{4}-(0[1-9]|1[0-2])$"
QUARTER_RE = r"^\d{4}-Q[1-4]$"


def _number(label, minimum=0, maximum=None, required=True, decimal=False):
    field = forms.DecimalField if decimal else forms.IntegerField
    return field(label=label, min_value=minimum, max_value=maximum, required=required)


class CampaignParametersForm(forms.ModelForm):
    """The rule parameters the task force may tune (SPEC.md "Parameters per campaign"), each a
    typed field — never raw JSON — and, for the monthly and the quarterly rules, the period from
    which a change applies (campaigns.parameters)."""

    monthly_from = forms.RegexField(
        label=_("月度参数自哪个月起适用"),
        regex=MONTH_RE,
        error_messages={"invalid": _("月份格式应为 YYYY-MM")},
    )
    quarterly_from = forms.RegexField(
        label=_("季度参数自哪个季度起适用"),
        regex=QUARTER_RE,
        error_messages={"invalid": _("季度格式应为 YYYY-Qn，如 2024-Q3")},
    )
    list_mode = forms.ChoiceField(label=_("红黑榜口径"), choices=LIST_MODES)
    list_red = _number(_("红榜名数或比例（%）"), required=False)
    list_black = _number(_("黑榜名数或比例（%）"), required=False)
    list_red_min = _number(_("红榜分数线（≥）"), maximum=100, required=False, decimal=True)
    list_black_max = _number(_("黑榜分数线（≤）"), maximum=100, required=False, decimal=True)

    MONTHLY = ("ranking_size", "streak_replace_manager", "streak_replace_company", "yoy_commitment_months",
               "yoy_talk_months", "yoy_measure", "complaint_target_percent", "monthly_from")  # fmt: skip

    class Meta:
        model = Campaign
        fields = [
            "title",
            "target",
            "ledger_title",
            "is_active",
            "acceptance",
            "report_due_day",
            "complaint_data_since",
            *(
                n
                for n in Campaign.RULE_PARAMETERS
                if n not in ("list_rule", "score_weights", "credit_thresholds")
            ),
        ]
        widgets = {
            "target": forms.Textarea(attrs={"rows": 3}),
            "complaint_data_since": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, starts: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        campaign = self.instance
        self.initial.setdefault("monthly_from", starts["monthly"])
        self.initial.setdefault("quarterly_from", starts["quarterly"])
        rule = campaign.list_rule or {}
        self.initial.update(
            list_mode=rule.get("mode", "size"), list_red=rule.get("red"), list_black=rule.get("black"),
            list_red_min=rule.get("red_min"), list_black_max=rule.get("black_max"),
        )  # fmt: skip
        for key, label in WEIGHTS.items():
            self.fields[f"weight_{key}"] = _number(f"{_('权重')}：{label}", maximum=100)
            self.initial[f"weight_{key}"] = (campaign.score_weights or {}).get(key, 0)
        for level in LEVELS:
            self.fields[f"credit_{level}"] = _number(f"{level} {_('分数线（≥）')}", maximum=100, decimal=True)
            self.initial[f"credit_{level}"] = (campaign.credit_thresholds or {}).get(level)
        for name in ("ranking_size", "streak_replace_manager", "streak_replace_company",
                     "yoy_commitment_months", "yoy_talk_months", "blacklist_times_replace_company"):  # fmt: skip
            self.fields[name].min_value = 1
            self.fields[name].validators.append(MinValueValidator(1))
        for name in ("excellent_share_percent", "complaint_target_percent"):
            self.fields[name].validators.append(MaxValueValidator(100))
        for field in self.fields.values():
            _style(field)

    def groups(self) -> list[tuple[str, list]]:
        """The fields in the sections the page shows: what applies at once, then each computation."""
        quarterly = ["quarterly_from"]
        quarterly += [n for n in self.fields if n not in (*self.MONTHLY, *_AT_ONCE, *quarterly)]
        return [
            (_("基本信息（立即生效）"), [self[n] for n in _AT_ONCE]),
            (_("月度排名与镇街同比"), [self[n] for n in self.MONTHLY]),
            (_("季度考核、红黑榜与信用等级"), [self[n] for n in quarterly]),
        ]

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
        self._clean_weights(data)
        self._clean_credit(data)
        self._clean_list_rule(data)
        return data

    def _clean_weights(self, data: dict) -> None:
        weights = {key: data.get(f"weight_{key}") for key in WEIGHTS}
        if None not in weights.values():
            if sum(weights.values()) != 100:
                self.add_error(
                    "weight_satisfaction",
                    _("四项权重之和须为 100，现为 %(n)s。") % {"n": sum(weights.values())},
                )
            self.instance.score_weights = weights

    def _clean_credit(self, data: dict) -> None:
        lines = [data.get(f"credit_{level}") for level in LEVELS]
        if None in lines:
            return
        if any(high <= low for high, low in zip(lines, lines[1:], strict=False)):
            self.add_error("credit_AAA", _("信用等级分数线须依次降低：AAA > AA > A > B。"))
        self.instance.credit_thresholds = {level: _plain(v) for level, v in zip(LEVELS, lines, strict=True)}

    def _clean_list_rule(self, data: dict) -> None:
        mode = data.get("list_mode")
        if mode == "threshold":
            red, black = data.get("list_red_min"), data.get("list_black_max")
            if red is None or black is None or black >= red:
                self.add_error("list_red_min", _("按分数线时须填红榜与黑榜分数线，且红榜分数线高于黑榜。"))
                return
            self.instance.list_rule = {"mode": mode, "red_min": _plain(red), "black_max": _plain(black)}
        elif mode:
            red, black = data.get("list_red"), data.get("list_black")
            if red is None or black is None or (mode == "share" and red + black > 100):
                self.add_error("list_red", _("须填红榜与黑榜的名数（按比例时两者之和不超过 100%）。"))
                return
            self.instance.list_rule = {"mode": mode, "red": red, "black": black}


_AT_ONCE = ("title", "target", "ledger_title", "is_active", "report_due_day", "complaint_data_since",
            "objection_working_days")  # fmt: skip


def _plain(value):
    """80 rather than Decimal("80") or 80.0 in the stored rule, as presets write it."""
    return int(value) if value == int(value) else float(value)


def _style(field: forms.Field) -> None:
    if isinstance(field.widget, forms.CheckboxInput):
        field.widget.attrs["class"] = "form-check-input"
    elif isinstance(field.widget, forms.Select):
        field.widget.attrs["class"] = "form-select"
    else:
        field.widget.attrs["class"] = "form-control"


class PresetLoadForm(forms.Form):
    jurisdiction = forms.ModelChoiceField(
        label=_("属地"), queryset=Region.objects.none(), widget=forms.Select(attrs={"class": "form-select"})
    )
    start = forms.DateField(
        label=_("开始日期"),
        help_text=_("方案各阶段整体平移到从这一天开始"),
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
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
