"""One FilterSet per list, shared by the HTML page and the API."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import Company, Manager, Notification, Project, Region


class StyledFilterSet(django_filters.FilterSet):
    """A FilterSet whose form renders with Bootstrap classes; every list page's filters derive from it."""

    @property
    def form(self):
        form = super().form
        for field in form.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault(
                "class", f"{css} form-control-sm" if css == "form-control" else f"{css} form-select-sm"
            )
        return form


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
    township = django_filters.ModelChoiceFilter(label=_("街道/乡镇"), queryset=_scoped_townships)
    company = django_filters.ModelChoiceFilter(label=_("物业企业"), queryset=_scoped_companies)
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
    township = django_filters.ModelChoiceFilter(
        label=_("服务街道/乡镇"), queryset=_scoped_townships, field_name="projects__township", distinct=True
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
    company = django_filters.ModelChoiceFilter(label=_("物业企业"), queryset=_scoped_companies)

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
