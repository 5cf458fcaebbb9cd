from django import forms
from django.utils.translation import gettext_lazy as _

from config.uploads import upload_too_large

from .excel import FileFormatError, check_header
from .models import Channel


class ImportForm(forms.Form):
    file = forms.FileField(label=_("导出文件（.xlsx / .xls / .et / .csv）"))
    channel = forms.ChoiceField(
        label=_("渠道（文件无“来源”列时使用）"), choices=Channel.choices, initial=Channel.HOTLINE
    )

    def clean_file(self):
        """Size and header are judged here from the first rows only; the whole file is read by the worker."""
        upload = self.cleaned_data["file"]
        if problem := upload_too_large(upload.size):
            raise forms.ValidationError(problem)
        try:
            check_header(upload, upload.name)
        except FileFormatError as exc:
            raise forms.ValidationError(str(exc)) from exc
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
