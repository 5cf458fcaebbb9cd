from rest_framework import serializers

from config.api_fields import BoundedModelSerializer

from ..models import Company, Department, Manager, Project, Region, User


class RegionSerializer(BoundedModelSerializer):
    class Meta:
        model = Region
        fields = ["id", "name", "level", "parent"]


class DepartmentSerializer(BoundedModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "name", "region"]


class CompanySerializer(BoundedModelSerializer):
    class Meta:
        model = Company
        fields = ["id", "name", "credit_code", "contact", "phone", "address"]


class ManagerSerializer(BoundedModelSerializer):
    company_name = serializers.CharField(source="company.name", read_only=True)

    class Meta:
        model = Manager
        fields = ["id", "name", "phone", "company", "company_name"]


class ProjectSerializer(BoundedModelSerializer):
    township_name = serializers.CharField(source="township.name", read_only=True)
    community_name = serializers.CharField(source="community.name", read_only=True, default=None)
    company_name = serializers.CharField(source="company.name", read_only=True, default=None)
    manager_name = serializers.CharField(source="manager.name", read_only=True, default=None)
    aliases = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")

    class Meta:
        model = Project
        fields = [
            "id",
            "name",
            "aliases",
            "township",
            "township_name",
            "community",
            "community_name",
            "address",
            "households",
            "service_standard",
            "fee",
            "is_resettlement",
            "has_old_elevators",
            "company",
            "company_name",
            "manager",
            "manager_name",
        ]


class MeSerializer(BoundedModelSerializer):
    role_display = serializers.CharField(source="get_role_display", read_only=True)
    organisation = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "full_name",
            "role",
            "role_display",
            "region",
            "department",
            "company",
            "organisation",
        ]

    def get_organisation(self, user: User) -> str | None:
        return str(user.organisation) if user.organisation else None
