"""Ledger export and import pages of a campaign (the Excel work itself is ledgers/excel.py).

Export: a small export is answered at once; a large one runs as a Celery job that the page
polls, with a download link when ready. Import: upload → preview of what would be created,
changed, refused or in conflict (nothing written) → confirm → a job applies it.
Both are scoped: the items come from LedgerItem.objects.visible_to(request.user).
"""

import tempfile
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ledgers import excel, tasks
from ledgers import ledger_import as importer
from ledgers.models import LedgerItem
from orgs.models import Job, Region
from orgs.outbox import enqueue

from .models import Category
from .views import campaign_for, may_exchange_ledger

# Above this many items the export is a background job (seconds of work, not a request's).
SYNC_EXPORT_LIMIT = 3000
IMPORT_KIND = importer.IMPORT_KIND
LEDGER_SUFFIXES = (".xlsx", ".xls", ".et")


def optional_choice(model, label: str, empty_label: str) -> forms.ModelChoiceField:
    """A drop-down that may stay empty; its queryset is set per user and campaign in __init__."""
    return forms.ModelChoiceField(
        label=label,
        queryset=model.objects.none(),
        required=False,
        empty_label=empty_label,
        widget=forms.Select(attrs={"class": "form-select"}),
    )


class ExportForm(forms.Form):
    township = optional_choice(Region, gettext_lazy("镇街"), gettext_lazy("全部（本辖区）"))
    category = optional_choice(Category, gettext_lazy("整治内容"), gettext_lazy("全部"))
    one_sheet = forms.BooleanField(
        label=gettext_lazy("全部放在一张工作表（否则每项整治内容一张）"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args, user, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = (
            Region.objects.visible_to(user).townships().filter(path__startswith=campaign.jurisdiction.path)
        )
        self.fields["category"].queryset = Category.objects.filter(campaign=campaign, parent=None)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("台账文件（.xlsx、.xls 或 WPS .et）"),
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".xlsx,.xls,.et"}),
    )
    category = optional_choice(
        Category,
        gettext_lazy("整治内容（表中没有“整治内容”列、工作表名也不是整治内容时使用）"),
        gettext_lazy("按表中“整治内容”列或工作表名确定"),
    )

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(campaign=campaign, parent=None)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                _("文件太大（上限 %(mb)d MB）。") % {"mb": settings.MAX_IMPORT_BYTES >> 20}
            )
        if not upload.name.lower().endswith(LEDGER_SUFFIXES):
            raise forms.ValidationError(_("请上传 Excel/WPS 表格（.xlsx、.xls 或 .et）。"))
        return upload


@login_required
def ledger_export(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = campaign_for(request, slug)
    if not may_exchange_ledger(request.user):
        raise PermissionDenied(_("只有专班和镇街可以导出台账。"))
    data = request.POST if request.method == "POST" else None
    form = ExportForm(data, user=request.user, campaign=campaign)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # A township officer's export is of their township, printed as its 属地 (not the county).
        township = data["township"] or excel.home_township(request.user)
        scope = excel.ExportScope(campaign, township, data["category"], data["one_sheet"])
        items = excel.export_items(scope, LedgerItem.objects.visible_to(request.user))
        if items.count() <= SYNC_EXPORT_LIMIT:
            return _export_response(scope, items)
        job = Job.objects.create(
            kind="ledger_export",
            title=_("导出台账：%(name)s") % {"name": excel.export_file_name(scope)},
            created_by=request.user,
            params={
                "campaign": campaign.pk,
                "township": township.pk if township else None,
                "category": data["category"].pk if data["category"] else None,
                "one_sheet": data["one_sheet"],
            },
        )
        enqueue(tasks.export_ledger, job.pk, job=job)
        job.refresh_from_db()
        return render(request, "ledgers/export.html", {"campaign": campaign, "form": form, "job": job})
    return render(request, "ledgers/export.html", {"campaign": campaign, "form": form})


def _export_response(scope: excel.ExportScope, items) -> FileResponse:
    handle = tempfile.NamedTemporaryFile(suffix=".xlsx")  # removed when the response closes it
    excel.write_workbook(handle.name, scope, items)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=excel.export_file_name(scope))


@login_required
def ledger_import(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = campaign_for(request, slug)
    if not may_exchange_ledger(request.user):
        raise PermissionDenied(_("只有专班和镇街可以导入台账。"))
    form = ImportForm(request.POST or None, request.FILES or None, campaign=campaign)
    if request.method == "POST" and form.is_valid():
        upload, category = form.cleaned_data["file"], form.cleaned_data["category"]
        job = Job.objects.create(
            kind=IMPORT_KIND,
            title=_("导入台账：%(name)s") % {"name": Path(upload.name).name[:150]},
            created_by=request.user,
            params={
                "campaign": campaign.pk,
                "category": category.pk if category else None,
                "sha256": importer.file_digest(upload),
            },
        )
        job.result_file.save("import" + Path(upload.name.lower()).suffix, upload)
        try:
            with job.result_file.open("rb") as handle:
                importer.check_file(handle)
        except importer.WrongFile as error:
            job.result_file.delete(save=False)
            job.delete()
            form.add_error("file", str(error))
        else:
            # Planning reads the ledger row by row: a job, so a 100,000-row file does not time out.
            job.params["stage"] = "previewing"
            job.save(update_fields=["params"])
            enqueue(tasks.preview_ledger_import, job.pk, job=job)
            return redirect("campaigns:ledger_import_preview", slug=campaign.slug, pk=job.pk)
    return render(request, "ledgers/import.html", {"campaign": campaign, "form": form})


@login_required
def ledger_import_preview(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    campaign = campaign_for(request, slug)
    job = get_object_or_404(Job.objects.visible_to(request.user), pk=pk, kind=IMPORT_KIND)
    if job.params.get("campaign") != campaign.pk:
        raise PermissionDenied
    previewed = job.params.get("stage") == "previewed"
    if request.method == "POST" and previewed and job.status == Job.Status.QUEUED:
        job.params["stage"] = "applying"
        job.params["take_file"] = _taken_conflicts(request, job)
        job.save(update_fields=["params"])
        enqueue(tasks.import_ledger, job.pk, job=job)
        job.refresh_from_db()
        messages.info(request, _("已开始导入。"))
    preview = job.result.get("preview", {})
    return render(
        request,
        "ledgers/import_preview.html",
        {
            "campaign": campaign,
            "job": job,
            "preview": preview,
            "stage": job.params.get("stage"),
            "labels": importer.ACTION_LABELS,
        },
    )


def _taken_conflicts(request: HttpRequest, job: Job) -> dict[str, int]:
    """The conflicts the person resolved with "采用文件的值": {"sheet|row": the version they saw}.

    Only rows the preview listed as conflicts count; at import the item must still be at that
    version, so a change made after the preview is a conflict again, never overwritten unseen.
    """
    conflicts = {
        r["key"]: r["system_version"]
        for r in job.result.get("preview", {}).get("rows", [])
        if r.get("action") == importer.CONFLICT
    }
    return {
        key: version for key, version in conflicts.items() if request.POST.get(f"resolve:{key}") == "file"
    }
