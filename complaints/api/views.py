"""Complaints and monthly rankings over the API; every queryset is the viewer's scope."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.exceptions import NotFound, ValidationError

from orgs.api.conditional import ConditionalMixin

from ..filters import ComplaintFilter
from ..models import Complaint, MonthlyRanking
from ..pages import choose_campaign, choose_month
from . import serializers


class ComplaintViewSet(ConditionalMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.ComplaintSerializer
    filterset_class = ComplaintFilter

    def get_queryset(self):
        return Complaint.objects.visible_to(self.request.user).select_related("township", "project")


@extend_schema(
    parameters=[
        OpenApiParameter("month", OpenApiTypes.STR, description="YYYY-MM；缺省为最近计算的月份"),
        OpenApiParameter("campaign", OpenApiTypes.STR, description="整治行动标识；缺省为进行中的行动"),
    ]
)
class RankingViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The month's top N (ties at the edge included), as far as the viewer may see it."""

    serializer_class = serializers.RankingSerializer
    filterset_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no real user
            return MonthlyRanking.objects.none()
        user = self.request.user
        campaign = choose_campaign(user, self.request.query_params.get("campaign"))
        if campaign is None:
            raise NotFound("没有可查看的整治行动")
        month = choose_month(campaign, self.request.query_params.get("month"))
        if month is None and self.request.query_params.get("month"):
            raise ValidationError({"month": "月份格式应为 YYYY-MM"})
        return (
            MonthlyRanking.objects.visible_to(user)
            .filter(campaign=campaign, month=month, in_top=True)
            .select_related("project", "township", "company", "manager", "campaign")
            .order_by("rank", "project__name")
        )
