"""Forms of the action register: the written reason of a waiver, the result of a completed action."""

from django import forms
from django.utils.translation import gettext_lazy as _

BS = {"class": "form-control"}


class WaiveForm(forms.Form):
    reason = forms.CharField(label=_("免除理由"), widget=forms.Textarea({**BS, "rows": 3}))


class CompleteForm(forms.Form):
    note = forms.CharField(
        label=_("办理结果"),
        widget=forms.Textarea({**BS, "rows": 3, "placeholder": "如：已更换项目经理为张三"}),
    )
