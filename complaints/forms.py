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
    project = forms.IntegerField()
    save_alias = forms.BooleanField(required=False)
