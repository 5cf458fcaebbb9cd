"""Forms of the action register: a waiver's written reason, a completed action's result, bulk decisions."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Action

BS = {"class": "form-control"}


class WaiveForm(forms.Form):
    reason = forms.CharField(label=_("免除理由"), widget=forms.Textarea({**BS, "rows": 3}))


class CompleteForm(forms.Form):
    note = forms.CharField(
        label=_("办理结果"),
        widget=forms.Textarea({**BS, "rows": 3, "placeholder": "如：已更换项目经理为张三"}),
    )


class BulkDecisionForm(forms.Form):
    """Confirm or waive the proposals ticked on the register's page, with one written reason."""

    DECISIONS = [("confirm", _("确认所选措施")), ("waive", _("免除所选措施"))]
    ids = forms.ModelMultipleChoiceField(queryset=Action.objects.none())
    decision = forms.ChoiceField(label=_("批量决定"), choices=DECISIONS)
    reason = forms.CharField(
        label=_("免除理由"),
        required=False,
        widget=forms.Textarea({**BS, "rows": 2, "placeholder": "免除时必填，适用于所有勾选的措施"}),
    )
    token = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        """Only proposals the user may see are choices: a foreign or decided id is refused by name."""
        super().__init__(*args, **kwargs)
        ids = self.fields["ids"]
        ids.queryset = Action.objects.visible_to(user).filter(status=Action.Status.PROPOSED)
        ids.error_messages.update(
            required=_("请至少勾选一项待确认的措施。"),
            invalid_choice=_("所选措施 %(value)s 不存在、已有决定或不在您的范围内。"),
        )
        self.fields["decision"].widget.attrs["class"] = "form-select"

    def clean(self) -> dict:
        data = super().clean()
        if data.get("decision") == "waive" and not data.get("reason", "").strip():
            self.add_error("reason", _("免除措施必须填写书面理由。"))
        return data


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (a phone's photo picker); each is checked by content when filed."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput({"class": "form-control", "accept": "image/*,.pdf"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class ObjectionForm(forms.Form):
    reasons = forms.CharField(
        label=_("异议理由"),
        widget=forms.Textarea(
            {**BS, "rows": 5, "placeholder": "如：7月的3件诉求实际属于相邻的阳光家园；原项目经理已于6月离任"}
        ),
    )
    files = MultipleFileField(label=_("证明材料（照片或 PDF，最多 5 个）"), required=False)


class ObjectionDecisionForm(forms.Form):
    DECISIONS = [("uphold", _("异议成立，撤销措施")), ("reject", _("驳回异议"))]
    outcome = forms.ChoiceField(label=_("处理结果"), choices=DECISIONS, widget=forms.RadioSelect)
    decision = forms.CharField(label=_("处理意见"), widget=forms.Textarea({**BS, "rows": 3}))
