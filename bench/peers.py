"""The peer: what a Django developer would otherwise reach for, django-import-export's Resource API.

Configured the way its documentation shows (a ModelResource per model, widgets for the
foreign keys), with only what is needed for the same file to load: the township column
accepts the 「…街道办事处」 spelling, and region_path is filled as the app requires.
It does not match complaints to projects, nor lay out the seed 001 template.
"""

from import_export import fields, resources, widgets

from complaints.models import Complaint
from ledgers.models import LedgerItem
from orgs.models import Region


def _text() -> widgets.CharWidget:
    """An empty cell is "" (the model's columns are NOT NULL), as the app stores it."""
    return widgets.CharWidget(allow_blank=True)


class TownshipWidget(widgets.ForeignKeyWidget):
    def __init__(self):
        super().__init__(Region, field="name")

    def get_queryset(self, value, row, *args, **kwargs):
        return Region.objects.filter(level=Region.Level.TOWNSHIP)

    def clean(self, value, row=None, **kwargs):
        return super().clean(str(value or "").removesuffix("办事处"), row, **kwargs)


class ComplaintResource(resources.ModelResource):
    ticket = fields.Field(attribute="ticket", column_name="工单编号", widget=_text())
    received_at = fields.Field(
        attribute="received_at", column_name="受理时间", widget=widgets.DateTimeWidget()
    )
    township = fields.Field(attribute="township", column_name="所属镇街", widget=TownshipWidget())
    raw_project_name = fields.Field(attribute="raw_project_name", column_name="小区名称", widget=_text())
    address = fields.Field(attribute="address", column_name="诉求地址", widget=_text())
    category = fields.Field(attribute="category", column_name="诉求类别", widget=_text())
    content = fields.Field(attribute="content", column_name="诉求内容", widget=_text())
    status = fields.Field(attribute="status", column_name="办理状态", widget=_text())
    satisfaction = fields.Field(attribute="satisfaction", column_name="满意度", widget=_text())

    class Meta:
        model = Complaint
        import_id_fields = ("ticket",)
        fields = ("ticket", "received_at", "township", "raw_project_name", "address", "category", "content",
                  "status", "satisfaction")  # fmt: skip
        skip_unchanged = True

    def skip_row(self, instance, original, row, import_validation_errors=None):
        """Rows without a 受理时间 are left out, as the app refuses them."""
        if not row.get("受理时间"):
            return True
        return super().skip_row(instance, original, row, import_validation_errors)

    def before_save_instance(self, instance, row, **kwargs):
        instance.region_path = instance.township.path


class LedgerItemResource(resources.ModelResource):
    project = fields.Field(attribute="project__name", column_name="项目名称")
    company = fields.Field(attribute="company__name", column_name="物业服务企业")
    standard = fields.Field(attribute="project__service_standard", column_name="服务标准")
    problem = fields.Field(attribute="problem", column_name="存在问题")
    measures = fields.Field(attribute="measures", column_name="整治措施")
    deadline = fields.Field(attribute="deadline", column_name="完成时限", widget=widgets.DateWidget())
    person = fields.Field(attribute="responsible_person", column_name="责任人")
    progress = fields.Field(attribute="progress_note", column_name="进展情况")
    community = fields.Field(attribute="project__community__name", column_name="社区")
    township = fields.Field(attribute="township__name", column_name="街道")
    remarks = fields.Field(attribute="remarks", column_name="备注")

    class Meta:
        model = LedgerItem
        fields = ("project", "company", "standard", "problem", "measures", "deadline", "person", "progress",
                  "community", "township", "remarks")  # fmt: skip
