"""Forms of the residents' channel: the public report, the status check, the staff reply."""

from django import forms
from django.core.validators import RegexValidator

from .residents import CATEGORIES

MOBILE = RegexValidator(r"^1[3-9]\d{9}$", "请填写 11 位手机号码")


class ReportForm(forms.Form):
    category = forms.ChoiceField(label="问题类别", choices=[(c, c) for c in CATEGORIES])
    description = forms.CharField(
        label="问题描述", max_length=1000, min_length=5, widget=forms.Textarea(attrs={"rows": 4})
    )
    photo = forms.FileField(label="照片（可选）", required=False, widget=forms.ClearableFileInput(
        attrs={"accept": "image/*"}
    ))  # fmt: skip
    phone = forms.CharField(
        label="手机号码",
        max_length=11,
        validators=[MOBILE],
        help_text="仅用于工作人员回访，不会公开。",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "tel"}),
    )
    # The honeypot: hidden from people, filled in by form-filling robots.
    website = forms.CharField(required=False, widget=forms.TextInput(
        attrs={"tabindex": "-1", "autocomplete": "off"}
    ))  # fmt: skip

    def clean_phone(self) -> str:
        return self.cleaned_data["phone"].strip()


class StatusForm(forms.Form):
    code = forms.CharField(label="查询码", max_length=20)
    phone_tail = forms.RegexField(
        label="手机号后四位",
        regex=r"^\d{4}$",
        error_messages={"invalid": "请填写手机号码的后四位数字"},
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )


class ReplyForm(forms.Form):
    reply = forms.CharField(
        label="答复居民（查询时可见）", max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )
    close = forms.BooleanField(label="已办结", required=False)
