"""Forms of the ledger pages. They parse and scope input; `workflow` decides what is allowed."""

from django import forms
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign, Category
from orgs.filters import ListedChoiceIterator
from orgs.models import Department, Project
from orgs.widgets import draw_quickly

from .models import Evidence, LedgerItem
from .workflow import EDITABLE_FIELDS, ITEM_FIELDS, TEXT_FIELDS, role_of
from .xlsx_rows import MAX_CELL_UNITS, fits_in_cell

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
PHOTO = forms.ClearableFileInput(attrs={"accept": "image/*,application/pdf", "capture": "environment"})


def fits_a_cell(text: str) -> None:
    """The ledger is exchanged as Excel: a text one cell cannot hold is refused here, not cut on export."""
    if text and not fits_in_cell(text):
        raise forms.ValidationError(
            _("超过 Excel 单元格上限（%(limit)d 字），台账无法完整导出，请精简或分条登记。"),
            params={"limit": MAX_CELL_UNITS},
        )


def limit_text_fields(form: forms.BaseForm) -> None:
    for name in TEXT_FIELDS:
        if name in form.fields:
            form.fields[name].validators.append(fits_a_cell)


def bootstrap(form: forms.BaseForm) -> forms.BaseForm:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.HiddenInput):
            continue
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        widget.attrs.setdefault("class", css)
    return form


class QuickEntryForm(forms.Form):
    """登记问题 from a phone in under a minute: project, category, problem, photo, deadline."""

    campaign = forms.ModelChoiceField(label=_("整治行动"), queryset=Campaign.objects.none())
    project = forms.ModelChoiceField(
        label=_("项目"), queryset=Project.objects.none(), widget=forms.HiddenInput
    )
    category = forms.ModelChoiceField(
        label=_("整治内容"), queryset=Category.objects.none(), required=False, empty_label=_("请选择")
    )
    problem = forms.CharField(label=_("存在问题"), widget=forms.Textarea(attrs={"rows": 3}))
    photo = forms.FileField(label=_("现场照片"), required=False, widget=PHOTO)
    deadline = forms.DateField(label=_("完成时限"), required=False, widget=DATE)
    source = forms.ChoiceField(label=_("来源"), choices=LedgerItem.Source.choices, initial="inspection")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        campaigns = Campaign.objects.visible_to(user).filter(is_active=True)
        self.fields["campaign"].queryset = campaigns
        self.fields["campaign"].initial = campaigns.first()
        self.fields["project"].queryset = Project.objects.visible_to(user)
        self.fields["category"].queryset = Category.objects.filter(campaign__in=campaigns).select_related(
            "campaign"
        )
        self.fields["project"].error_messages["required"] = _("请选择项目。")
        limit_text_fields(self)
        bootstrap(self)

    def clean(self):
        data = super().clean()
        category, campaign = data.get("category"), data.get("campaign")
        if category and campaign and category.campaign_id != campaign.pk:
            self.add_error("category", _("整治内容不属于所选整治行动。"))
        return data


class ItemEditForm(forms.ModelForm):
    """The fields of an open item this user's role may change (EDITABLE_FIELDS in workflow)."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = LedgerItem
        fields = list(ITEM_FIELDS)
        widgets = {
            "deadline": DATE,
            "problem": forms.Textarea(attrs={"rows": 3}),
            "measures": forms.Textarea(attrs={"rows": 3}),
            "progress_note": forms.Textarea(attrs={"rows": 2}),
            "remarks": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = EDITABLE_FIELDS.get(role_of(user), frozenset())
        for name in list(self.fields):
            if name != "version" and name not in allowed:
                del self.fields[name]
        if "category" in self.fields:
            self.fields["category"].queryset = Category.objects.filter(campaign_id=self.instance.campaign_id)
        if "responsible_unit" in self.fields:
            self.fields["responsible_unit"].queryset = Department.objects.visible_to(user)
        self.fields["version"].initial = self.instance.version
        limit_text_fields(self)
        bootstrap(self)

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.changed_data if name != "version"}


class MoveForm(forms.Form):
    """The inputs any move may need; the workflow function says which are required."""

    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    reason = forms.CharField(label=_("理由"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    level = forms.ChoiceField(label=_("督办级别"), required=False, choices=LedgerItem.Escalation.choices[1:])
    deadline = forms.DateField(label=_("督办时限"), required=False, widget=DATE)
    new_deadline = forms.DateField(label=_("新完成时限"), required=False, widget=DATE)
    plan = forms.CharField(label=_("整改计划"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class EvidenceForm(forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=Evidence.Kind.choices)
    file = forms.FileField(label=_("照片或文件"), widget=PHOTO)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)


class BulkForm(forms.Form):
    """Bulk actions on selected items of the list page; each item still goes through workflow."""

    ACTIONS = [
        ("assign", _("指定责任单位/责任人")),
        ("deadline", _("设定完成时限")),
        ("escalate", _("挂牌督办")),
        ("order", _("下达整改通知书")),
    ]
    action = forms.ChoiceField(label=_("批量操作"), choices=ACTIONS)
    items = forms.ModelMultipleChoiceField(queryset=LedgerItem.objects.none())
    responsible_unit = forms.ModelChoiceField(
        label=_("责任单位"), queryset=Department.objects.none(), required=False, empty_label=_("不变")
    )
    responsible_person = forms.CharField(label=_("责任人"), required=False, max_length=100)
    deadline = forms.DateField(label=_("时限"), required=False, widget=DATE)
    level = forms.ChoiceField(label=_("督办级别"), required=False, choices=LedgerItem.Escalation.choices[1:])

    def __init__(self, *args, user, departments: list[Department] | None = None, **kwargs):
        """`departments`: the viewer's departments when the page has read them already (the list's
        filter); they are only drawn, a posted choice is still checked against the scoped queryset."""
        super().__init__(*args, **kwargs)
        self.fields["items"].queryset = LedgerItem.objects.visible_to(user)
        unit = self.fields["responsible_unit"]
        unit.queryset = Department.objects.visible_to(user)
        unit.iterator = ListedChoiceIterator  # one plain query, not a server-side cursor
        if departments is not None:
            unit.choices = [("", unit.empty_label), *((d.pk, str(d)) for d in departments)]
        self.fields["items"].error_messages["required"] = _("请先勾选问题。")
        bootstrap(self)
        for name in ("action", "responsible_unit", "level"):
            draw_quickly(self.fields[name].widget)


class OrderForm(forms.Form):
    number = forms.CharField(label=_("文号"), required=False, max_length=64, help_text=_("留空则自动编号"))
    title = forms.CharField(label=_("标题"), max_length=200, initial="物业服务问题整改通知书")
    deadline = forms.DateField(label=_("整改时限"), widget=DATE)
    body = forms.CharField(label=_("正文"), widget=forms.Textarea(attrs={"rows": 5}))
    items = forms.ModelMultipleChoiceField(
        queryset=LedgerItem.objects.none(), widget=forms.MultipleHiddenInput
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].queryset = LedgerItem.objects.visible_to(user)
        bootstrap(self)


class AnswerForm(forms.Form):
    measures = forms.CharField(label=_("已采取的整改措施"), widget=forms.Textarea(attrs={"rows": 3}))
    photo = forms.FileField(label=_("整改后照片"), required=False, widget=PHOTO)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)


class DecideForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("验收通过")), ("return", _("退回"))])
    reason = forms.CharField(label=_("退回理由"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
