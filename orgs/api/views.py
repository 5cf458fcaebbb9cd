"""Read-only API over the organisation tree; every queryset is the viewer's scope."""

from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from ..filters import CompanyFilter, ManagerFilter, ProjectFilter, RegionFilter
from ..models import Company, Department, Manager, Project, Region
from . import serializers


class RegionViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.RegionSerializer
    filterset_class = RegionFilter

    def get_queryset(self):
        return Region.objects.visible_to(self.request.user)


class DepartmentViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.DepartmentSerializer

    def get_queryset(self):
        return Department.objects.visible_to(self.request.user)


class CompanyViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.CompanySerializer
    filterset_class = CompanyFilter

    def get_queryset(self):
        return Company.objects.visible_to(self.request.user)


class ManagerViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.ManagerSerializer
    filterset_class = ManagerFilter

    def get_queryset(self):
        return Manager.objects.visible_to(self.request.user).select_related("company")


class ProjectViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.ProjectSerializer
    filterset_class = ProjectFilter

    def get_queryset(self):
        return (
            Project.objects.visible_to(self.request.user)
            .select_related("township", "community", "company", "manager")
            .prefetch_related("aliases")
        )


@extend_schema(responses=serializers.MeSerializer)
@api_view(["GET"])
def me(request: Request) -> Response:
    return Response(serializers.MeSerializer(request.user).data)
