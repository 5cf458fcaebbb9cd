"""One FilterSet per list, shared by the HTML page and the API."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q
from django.forms.models import ModelChoiceField, ModelChoiceIterator
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from config.bounds import INTEGER_MAX

from .models import Company, Manager, Notification, Project, Region
from .widgets import draw_quickly


class ListedChoiceIterator(ModelChoiceIterator):
    """A select's choices read with one plain query.

    Django's default reads them with .iterator(), on PostgreSQL a server-side cursor: DECLARE,
    FETCH and CLOSE, three round trips for a list of a few dozen campaigns or departments.
    """

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


class ListedModelChoiceField(django_filters.fields.ModelChoiceField):
    """A select of a short list (campaigns, categories, departments) that reads the list once.

    Django checks a choice with a query of its own (queryset.get), then draws the select with
    another; this checks the value against the rows the select draws, so both cost one query.
    """

    def to_python(self, value):
        if value in self.empty_values:
            return None
        self.validate_no_null_characters(value)
        for obj in self.queryset:
            if str(obj.pk) == str(value):
                return obj
        raise ValidationError(
            self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
        )


class ListedChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = ListedModelChoiceField


def _fits_an_id(value) -> bool:
    """False for a number no primary key can be: SQLite raised OverflowError (a 500) on ?project=1e30's kin."""
    try:
        return abs(int(str(value).strip())) <= INTEGER_MAX
    except ValueError:
        return True  # not a number at all: the field's own check refuses it


def bound_numbers(field: forms.Field) -> None:
    """Bound a filter field's numbers to what the database holds, so a huge value is a 400, not a 500.

    Issue 18: GET /api/campaign-categories/?parent=1e30 overflowed SQLite's integer. Number filters get
    a range; id choices refuse an out-of-range id before the database is asked.
    """
    if isinstance(field, forms.DecimalField | forms.IntegerField | forms.FloatField):
        field.validators += [MinValueValidator(-INTEGER_MAX), MaxValueValidator(INTEGER_MAX)]
    elif isinstance(field, ModelChoiceField):
        look_up = field.to_python

        def to_python(value):
            if value not in field.empty_values and not _fits_an_id(value):
                raise ValidationError(field.error_messages["invalid_choice"], code="invalid_choice")
            return look_up(value)

        field.to_python = to_python


class StyledFilterSet(django_filters.FilterSet):
    """A FilterSet whose form renders with Bootstrap classes; every list page's filters derive from it.

    Every number and id it takes is bounded (bound_numbers), on the page and in the API alike.
    """

    @property
    def form(self):
        form = super().form
        if getattr(form, "styled", False):  # the view and the template each read .form: style it once
            return form
        form.styled = True
        for field in form.fields.values():
            bound_numbers(field)
            if isinstance(field, ModelChoiceField) and isinstance(field.widget, forms.Select):
                field.iterator = ListedChoiceIterator
                field.widget.choices = field.choices
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault(
                "class", f"{css} form-control-sm" if css == "form-control" else f"{css} form-select-sm"
            )
            draw_quickly(field.widget)
        return form


class PickWidget(forms.Widget):
    """A type-ahead for a choice that grows with the data (a province has 100,000 projects).

    A select would render every choice on every page view; this renders one hidden input with
    the chosen id and a search box whose matches come from a small scoped endpoint (picker.js).
    The field keeps its scoped queryset, so a foreign id in the URL is still refused as invalid.
    """

    def __init__(self, url_name: str, attrs=None):
        super().__init__(attrs)
        self.url_name = url_name

    def id_for_label(self, id_):
        return f"{id_}_search" if id_ else id_

    def label_of(self, value) -> str:
        """The chosen row's name (one query by primary key, only when something is chosen)."""
        if value in (None, "") or not str(value).isdigit():
            return ""
        chosen = self.choices.queryset.filter(pk=value).first()
        return str(chosen) if chosen is not None else ""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        field_id = attrs.pop("id", f"id_{name}")
        css = attrs.pop("class", "form-control form-control-sm")
        return format_html(
            '<div class="picker position-relative" data-picker-url="{}">'
            '<input type="hidden" name="{}" value="{}" id="{}">'
            '<input type="search" class="{}" id="{}_search" value="{}" placeholder="{}" autocomplete="off"'
            ' role="combobox" aria-expanded="false" aria-controls="{}_options">'
            '<div class="picker-options list-group position-absolute shadow-sm" id="{}_options"'
            ' role="listbox"></div></div>',
            reverse(self.url_name), name, "" if value is None else value, field_id,
            css, field_id, self.label_of(value), _("输入名称查找"), field_id, field_id,
        )  # fmt: skip


class PickFilter(django_filters.ModelChoiceFilter):
    """A ModelChoiceFilter whose form field is a PickWidget fed by the named endpoint."""

    def __init__(self, *args, picker: str, **kwargs):
        super().__init__(*args, widget=PickWidget(picker), **kwargs)


def _scoped_townships(request):
    if request is None:
        return Region.objects.none()
    return Region.objects.visible_to(request.user).townships()


def _scoped_companies(request):
    if request is None:
        return Company.objects.none()
    return Company.objects.visible_to(request.user)


class ProjectFilter(StyledFilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="search")
    # Choices come from the viewer's own scope, so a foreign id in the query string is
    # rejected as invalid instead of silently widening anything.
    township = PickFilter(label=_("街道/乡镇"), queryset=_scoped_townships, picker="orgs:pick_township")
    company = PickFilter(label=_("物业企业"), queryset=_scoped_companies, picker="orgs:pick_company")
    is_resettlement = django_filters.BooleanFilter(label=_("动迁安置小区"))
    has_old_elevators = django_filters.BooleanFilter(label=_("有使用超15年电梯"))
    service_standard = django_filters.ChoiceFilter(label=_("服务标准"), choices=Project.Standard.choices)

    class Meta:
        model = Project
        fields = ["q", "township", "company", "service_standard", "is_resettlement", "has_old_elevators"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value) | Q(aliases__name__icontains=value) | Q(address__icontains=value)
        ).distinct()


class CompanyFilter(StyledFilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="search")
    # Companies serving a project in the township; distinct because a company serves many.
    township = PickFilter(
        label=_("服务街道/乡镇"),
        queryset=_scoped_townships,
        field_name="projects__township",
        distinct=True,
        picker="orgs:pick_township",
    )

    class Meta:
        model = Company
        fields = ["q", "township"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value) | Q(credit_code__iexact=value) | Q(contact__icontains=value)
        )


def _scoped_regions(request):
    if request is None:
        return Region.objects.none()
    return Region.objects.visible_to(request.user)


class RegionFilter(StyledFilterSet):
    parent = django_filters.ModelChoiceFilter(label=_("上级"), queryset=_scoped_regions)

    class Meta:
        model = Region
        fields = ["level", "parent"]


class ManagerFilter(StyledFilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="search")
    company = PickFilter(label=_("物业企业"), queryset=_scoped_companies, picker="orgs:pick_company")

    class Meta:
        model = Manager
        fields = ["q", "company"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(phone__icontains=value))


class InboxFilter(StyledFilterSet):
    """收件箱 by kind; whether read ones show too is the page's 未读/全部 switch."""

    kind = django_filters.ChoiceFilter(
        label=_("类型"), choices=Notification.Kind.choices, empty_label=_("全部类型")
    )

    class Meta:
        model = Notification
        fields = ["kind"]
