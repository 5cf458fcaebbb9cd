"""Forms of the plan page: a campaign loaded from a preset is a template, edited to fit the county using it.

Title, 属地, phases, categories and their lead/supporting units; the rule parameters stay on the settings
page (campaigns/forms.py), which versions them by period.
"""

from django import forms
from django.forms import modelformset_factory
from django.utils.translation import gettext_lazy as _

from orgs.models import Department, Region

from .models import Campaign, Category, Phase


def _styled(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        widget = field.widget
        widget.attrs["class"] = "form-select" if isinstance(widget, forms.Select) else "form-control"


class PlanForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = ["title", "jurisdiction"]

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].queryset = regions.exclude(level=Region.Level.COMMUNITY)
        _styled(self)


class PhaseForm(forms.ModelForm):
    class Meta:
        model = Phase
        fields = ["name", "start", "end", "dates_text"]
        widgets = {
            "start": forms.DateInput(attrs={"type": "date"}),
            "end": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)

    def clean(self) -> dict:
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("结束日期不能早于开始日期。"))
        return data


class CategoryForm(forms.ModelForm):
    class Meta:
        model = Category
        fields = ["code", "name", "lead_units", "supporting_units"]

    def __init__(self, *args, units, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        self.fields["lead_units"].queryset = units
        self.fields["supporting_units"].queryset = units
        _styled(self)
        for name in ("lead_units", "supporting_units"):
            self.fields[name].widget.attrs.update(size=4)

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        taken = (
            Category.objects.filter(campaign=self.campaign, code=code).exclude(pk=self.instance.pk).first()
        )
        if taken is not None:
            raise forms.ValidationError(
                _("编号 %(code)s 已用于“%(name)s”。"), params={"code": code, "name": taken.name}
            )
        return code


PhaseFormSet = modelformset_factory(Phase, form=PhaseForm, extra=1)
CategoryFormSet = modelformset_factory(Category, form=CategoryForm, extra=1)


def units_for(campaign: Campaign):
    """The departments a category may name: those of the campaign's region and the regions under it."""
    region = campaign.jurisdiction
    return Department.objects.filter(region__path__startswith=region.path).order_by("name")
