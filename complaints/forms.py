from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import Channel

ALLOWED_SUFFIXES = (".xlsx", ".xls", ".csv")


class ImportForm(forms.Form):
    file = forms.FileField(label=_("导出文件（.xlsx / .csv）"))
    channel = forms.ChoiceField(
        label=_("渠道（文件无“来源”列时使用）"), choices=Channel.choices, initial=Channel.HOTLINE
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(ALLOWED_SUFFIXES):
            raise forms.ValidationError(_("只支持 .xlsx、.xls 和 .csv 文件"))
        if upload.size > settings.MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("文件过大"))
        return upload


class ResolveForm(forms.Form):
    """A decision on a spelling: a candidate's id, "other" with a project from the township's list,
    or "none" for 不属于物业项目."""

    NOT_PROPERTY = "none"

    project = forms.CharField(required=False)
    other = forms.IntegerField(required=False)
    save_alias = forms.BooleanField(required=False)

    def clean(self):
        data = super().clean()
        choice = (data.get("project") or "").strip()
        if choice == self.NOT_PROPERTY:
            data["project_id"] = None
        elif choice.isdigit():
            data["project_id"] = int(choice)
        elif choice in ("", "other") and data.get("other"):
            data["project_id"] = data["other"]
        else:
            raise forms.ValidationError(_("请选择项目，或选择“不属于物业项目”"))
        return data
