"""Forms of orgs/: the roster upload."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from config.uploads import upload_too_large

from .excel import RosterFileError, check_roster_header
from .models import Region


class RosterUploadForm(forms.Form):
    file = forms.FileField(label=_("台账文件（.xlsx）"))
    county = forms.ModelChoiceField(label=_("导入到区县"), queryset=Region.objects.none(), empty_label=None)
    direct = forms.BooleanField(label=_("跳过预览，直接导入"), required=False)
    create_regions = forms.BooleanField(
        label=_("允许新建街道/乡镇（文件中的街道不在区划中时）"), required=False
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Only the counties inside the uploader's own jurisdiction: a task force imports into its county.
        visible = Region.objects.visible_to(user).filter(level=Region.Level.DISTRICT)
        if user.region_id and user.region.level == Region.Level.DISTRICT:
            visible = visible.filter(Q(pk=user.region_id))
        self.fields["county"].queryset = visible.order_by("path")
        self.fields["county"].widget.attrs["class"] = "form-select"
        self.fields["file"].widget.attrs.update({"class": "form-control", "accept": ".xlsx"})
        self.fields["direct"].widget.attrs["class"] = "form-check-input"
        self.fields["create_regions"].widget.attrs["class"] = "form-check-input"

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".xlsm")):
            raise forms.ValidationError(_("请上传 Excel（.xlsx）文件；旧版 .xls 请先另存为 .xlsx。"))
        if problem := upload_too_large(upload.size):
            raise forms.ValidationError(problem)
        try:
            check_roster_header(upload)  # the first rows only; the worker reads the whole file
        except RosterFileError as exc:
            raise forms.ValidationError(str(exc)) from exc
        upload.seek(0)
        return upload
