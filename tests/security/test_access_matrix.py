"""The access-control matrix (ASVS 8.2–8.4): every URL × every role × methods × own and foreign rows.

SPEC.md: "Scoping is a security property, not a filter: a township officer must be unable to
read or change another township's data through any page, export, API call or guessed id."

POLICY below is the oracle, written from SPEC.md, not from the code: for every URL name it says
who may read and write through it, which world rows fill its arguments and which kinds of rows
its lists must show. Who may see a row is fixed when the row is built (build_world), again
without asking the application. A URL without an entry fails test_every_url_has_a_policy.
"""

from datetime import date, datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from campaigns.models import Action, Campaign, Category
from complaints.models import Complaint
from ledgers.models import LedgerItem
from orgs.models import Job, Notification, User
from tests.conftest import make_user

from .matrix import (
    EVERYONE,
    FIGURES,
    FINDINGS,
    NOBODY,
    ROLES,
    SIGNED_IN,
    Policy,
    World,
    check_url,
    schema_routes,
    url_inventory,
)

pytestmark = pytest.mark.django_db

OFFICIALS = frozenset({"task_force", "admin"})
ADMINS = frozenset({"admin"})
COMPANIES = frozenset({"company_x", "company_y"})
REGION_STAFF = frozenset({"task_force", "township_a", "township_b", "admin"})
NOT_COMPANY = SIGNED_IN - {"company_x", "company_y"}
API_DETAIL = ("get", "post", "put", "patch", "delete")
API_LIST = ("get", "post")
P = Policy


READERS = REGION_STAFF | {"department"}
DRAW_READERS = (
    OFFICIALS | {"department"}
)  # seed 001 抽查: who is drawn is not known in advance  # of circulated bulletins (seed 004: to every township and unit)
EXCHANGE = REGION_STAFF  # SPEC: townships exchange ledger workbooks with the task force


def own(kind: str) -> dict:
    return {"pk": kind}


CAMPAIGN = {"slug": "campaign"}
MONTH = {"month": "2024-07"}
NEW_ITEM = {"campaign": "@campaign", "problem": "新登记问题 ZZTnewitem", "source": "inspection"}
NEW_CASE = {"campaign": "@campaign", "kind": "negative", "title": "ZZTnewcase", "happened": "x", "done": "y"}
QUARTER = {"slug": "campaign", "quarter": "=2024-Q1"}


# ---------------------------------------------------------------------------------------------------
# The policy: one entry per URL name. Read it as a table.
# ---------------------------------------------------------------------------------------------------
POLICY: dict[str, Policy] = {
    # --- accounts ---------------------------------------------------------------------------------
    "home": P(),
    "login": P(get=EVERYONE, public=True, ok=frozenset({200, 302})),
    "logout": P(get=NOBODY, public=True),
    "password_change": P(),
    "password_change_done": P(),
    # --- organisations (SPEC: township sees its subtree, company its own projects) -----------------
    "orgs:project_list": P(lists=("project",)),
    "orgs:project_detail": P(kinds=own("project")),
    "orgs:project_export": P(lists=("project",)),
    "orgs:company_list": P(lists=("company",)),
    "orgs:company_detail": P(kinds=own("company")),
    "orgs:inbox": P(lists=("notification",)),
    "orgs:api_tokens": P(),
    "orgs:api_token_issue": P(get=NOBODY, write=SIGNED_IN),
    "orgs:api_token_revoke": P(get=NOBODY, write=SIGNED_IN),
    "orgs:inbox_read_all": P(get=NOBODY, write=SIGNED_IN),
    "orgs:inbox_read": P(get=NOBODY, write=SIGNED_IN, kinds=own("notification")),
    "orgs:inbox_open": P(get=NOBODY, write=SIGNED_IN, kinds=own("notification")),
    "orgs:import_projects": P(get=OFFICIALS, write=OFFICIALS),
    "orgs:import_job": P(get=OFFICIALS, kinds=own("admin_job")),
    "orgs:import_confirm": P(get=NOBODY, write=OFFICIALS, kinds=own("admin_job")),
    # Type-ahead choices of the filter forms: the viewer's own rows only, like the selects they replace.
    "orgs:pick_project": P(lists=("project",)),
    "orgs:pick_company": P(lists=("company",)),
    "orgs:pick_township": P(),
    "orgs:pick_region": P(),
    "orgs:pick_department": P(),
    # --- people: only administrators manage accounts (SPEC: admin — users and organisations) ---------
    "orgs:user_list": P(get=ADMINS),
    "orgs:user_create": P(get=ADMINS, write=ADMINS),
    "orgs:user_detail": P(get=ADMINS, write=ADMINS, kinds=own("account")),
    "orgs:user_active": P(get=NOBODY, write=ADMINS, kinds=own("account")),
    "orgs:pick_community": P(),
    "orgs:job_status": P(kinds=own("job")),
    "orgs:job_download": P(kinds=own("job"), ok=frozenset({404})),  # the world's jobs have no file
    "schema": P(public=True),
    "api-docs": P(public=True),
    "api-root": P(public=True),
    "users-me": P(),
    "users-me-token": P(write=SIGNED_IN, methods=("get", "delete")),
    "region-list": P(methods=API_LIST),
    "region-detail": P(kinds=own("region"), methods=API_DETAIL),
    "department-list": P(methods=API_LIST),
    "department-detail": P(kinds=own("department"), methods=API_DETAIL),
    "company-list": P(lists=("company",), methods=API_LIST),
    "company-detail": P(kinds=own("company"), methods=API_DETAIL),
    "manager-list": P(lists=("manager",), methods=API_LIST),
    "manager-detail": P(kinds=own("manager"), methods=API_DETAIL),
    "project-list": P(lists=("project",), methods=API_LIST),
    "project-detail": P(kinds=own("project"), methods=API_DETAIL),
    # --- campaigns --------------------------------------------------------------------------------
    "campaigns:campaign_list": P(),
    "campaigns:preset_list": P(get=OFFICIALS, write=OFFICIALS),
    "campaigns:preset_source": P(kinds={"slug": "=yishui-2024"}),  # public government documents
    "campaigns:campaign_detail": P(kinds=CAMPAIGN),
    "campaigns:campaign_settings": P(get=OFFICIALS, write=OFFICIALS, kinds=CAMPAIGN),
    "campaigns:campaign_plan": P(get=OFFICIALS, write=OFFICIALS, kinds=CAMPAIGN),
    "campaigns:ledger_export": P(
        get=EXCHANGE, kinds=CAMPAIGN, lists=("item",), read_post={"one_sheet": "on"}
    ),
    "campaigns:ledger_import": P(get=EXCHANGE, write=EXCHANGE, kinds=CAMPAIGN),
    "campaigns:ledger_import_preview": P(
        get=EXCHANGE, write=EXCHANGE, kinds={**CAMPAIGN, "pk": "ledger_import"}
    ),
    "campaigns:selfcheck_list": P(kinds=CAMPAIGN, lists=("selfcheck",)),
    "campaigns:selfcheck_fill": P(get=SIGNED_IN - {"department", "admin"}, write=SIGNED_IN, kinds=CAMPAIGN),
    "campaigns:selfcheck_detail": P(kinds={**CAMPAIGN, "pk": "selfcheck"}),
    "campaign-list": P(methods=API_LIST),
    "campaign-detail": P(kinds={"slug": "campaign"}, methods=API_DETAIL),
    "campaign-category-list": P(methods=API_LIST),
    "campaign-category-detail": P(kinds=own("category"), methods=API_DETAIL),
    "self-check-list": P(lists=("selfcheck",), methods=API_LIST),
    "self-check-detail": P(kinds=own("selfcheck"), methods=API_DETAIL),
    # --- 双随机一公开 (seed 001): draws stay with the task force and departments until published
    "campaigns:inspection_list": P(),
    "campaigns:draw_new": P(get=OFFICIALS, write=OFFICIALS, kinds=CAMPAIGN),
    "campaigns:draw_detail": P(get=DRAW_READERS, kinds=own("draw")),
    "campaigns:draw_publish": P(get=NOBODY, write=OFFICIALS, kinds=own("draw")),
    "campaigns:visit_new": P(get=OFFICIALS, write=OFFICIALS, kinds={"pk": "draw", "project_id": "project"}),
    "campaigns:visit_detail": P(kinds=own("visit")),
    "campaigns:inspection_public_list": P(get=EVERYONE, public=True),
    "campaigns:inspection_public_detail": P(
        get=EVERYONE, public=True, kinds=own("draw"), ok=frozenset({200, 404})
    ),
    # --- ledgers (SPEC: department sees items whose category names it) ------------------------------
    "ledgers:item_list": P(lists=("item",)),
    "ledgers:item_create": P(write=SIGNED_IN, form=NEW_ITEM),
    "ledgers:item_bulk": P(get=NOBODY, write=SIGNED_IN),
    "ledgers:project_search": P(),
    "ledgers:item_detail": P(kinds=own("item")),
    "ledgers:item_edit": P(write=SIGNED_IN, kinds=own("item")),
    "ledgers:item_move": P(get=NOBODY, write=SIGNED_IN, kinds={"pk": "item", "move": "=start"}),
    "ledgers:evidence_upload": P(get=NOBODY, write=SIGNED_IN, kinds=own("item")),
    "ledgers:evidence_file": P(kinds=own("evidence")),
    "ledgers:order_list": P(lists=("order",)),
    "ledgers:order_create": P(write=SIGNED_IN),
    "ledgers:order_detail": P(kinds=own("order")),
    "ledgers:order_print": P(kinds=own("order")),
    "ledgers:order_answer": P(get=NOBODY, write=SIGNED_IN, kinds=own("order_line")),
    "ledgers:order_decide": P(get=NOBODY, write=SIGNED_IN, kinds=own("order_line")),
    "ledger-item-list": P(lists=("item",), write=SIGNED_IN, methods=API_LIST, form=NEW_ITEM),
    "ledger-item-detail": P(kinds=own("item"), write=SIGNED_IN, methods=API_DETAIL),
    "ledger-item-history": P(kinds=own("item"), methods=API_LIST),
    **{
        f"ledger-item-{move}": P(get=NOBODY, write=SIGNED_IN, kinds=own("item"), methods=API_LIST)
        for move in ("accept", "escalate", "evidence", "extend", "return", "start", "submit", "withdraw")
    },
    "ledger-event-list": P(lists=("event",), methods=API_LIST),
    "ledger-event-detail": P(kinds=own("event"), methods=API_DETAIL),
    "ledger-evidence-list": P(lists=("evidence",), methods=API_LIST),
    "ledger-evidence-detail": P(kinds=own("evidence"), methods=API_DETAIL),
    "rectification-order-list": P(lists=("order",), write=SIGNED_IN, methods=API_LIST),
    "rectification-order-detail": P(kinds=own("order"), methods=API_DETAIL),
    "order-line-list": P(methods=API_LIST),
    "order-line-detail": P(kinds=own("order_line"), methods=API_DETAIL),
    "order-line-answer": P(get=NOBODY, write=SIGNED_IN, kinds=own("order_line"), methods=API_LIST),
    "order-line-decide": P(get=NOBODY, write=SIGNED_IN, kinds=own("order_line"), methods=API_LIST),
    # --- reporting: bulletins circulate to townships and units; reports and cases stay with their township
    "ledgers:bulletin_list": P(get=READERS),
    "ledgers:bulletin_open": P(get=NOBODY, write=OFFICIALS),
    "ledgers:bulletin_detail": P(get=READERS, kinds=own("bulletin")),
    "ledgers:bulletin_edit": P(get=NOBODY, write=OFFICIALS, kinds=own("bulletin")),
    "ledgers:bulletin_publish": P(get=NOBODY, write=OFFICIALS, kinds=own("bulletin")),
    "ledgers:bulletin_print": P(get=READERS, kinds=own("bulletin")),
    "ledgers:bulletin_xlsx": P(get=READERS, kinds=own("bulletin")),
    "ledgers:report_list": P(get=REGION_STAFF),
    "ledgers:report_submit": P(get=NOBODY, write=REGION_STAFF),
    "ledgers:report_detail": P(get=REGION_STAFF, kinds=own("report")),
    "ledgers:report_return": P(get=NOBODY, write=OFFICIALS, kinds=own("report")),
    "ledgers:report_xlsx": P(get=REGION_STAFF, kinds=own("report")),
    "ledgers:report_template": P(get=OFFICIALS, write=OFFICIALS),
    "ledgers:case_create": P(get=NOBODY, write=REGION_STAFF, form=NEW_CASE),
    "ledgers:case_publish": P(get=NOBODY, write=OFFICIALS, kinds=own("case")),
    "ledgers:case_photo": P(get=REGION_STAFF, kinds=own("case")),
    "ledgers:public_cases": P(get=EVERYONE, public=True),
    # --- complaints (SPEC: the task force imports and reviews; rankings are 通报 to all) -------------
    "complaints:list": P(lists=("complaint",)),
    "complaints:detail": P(kinds=own("complaint")),
    "complaints:to_ledger": P(get=NOBODY, write=SIGNED_IN, kinds=own("complaint")),
    "complaints:import": P(get=OFFICIALS, write=OFFICIALS),
    "complaints:import_confirm": P(get=NOBODY, write=OFFICIALS, kinds=own("complaint_batch")),
    # A county-wide batch: the department's scope is the county, and it sees complaints county-wide.
    "complaints:batch_report": P(get=OFFICIALS | {"department"}, kinds=own("complaint_batch")),
    "complaints:review": P(get=REGION_STAFF),
    "complaints:resolve": P(get=NOBODY, write=REGION_STAFF, kinds=own("complaint")),
    "complaints:ranking": P(query=MONTH, lists=("project",)),
    "complaints:ranking_print": P(query=MONTH, lists=("project",)),
    "complaints:ranking_export": P(query=MONTH, lists=("project",)),
    "complaints:compute": P(get=NOBODY, write=OFFICIALS),
    "complaints:recompute": P(get=OFFICIALS, query=MONTH),  # a trial run: only who may apply it
    "complaints:township": P(),
    "complaint-list": P(lists=("complaint",), methods=API_LIST),
    "complaint-detail": P(kinds=own("complaint"), methods=API_DETAIL),
    "ranking-list": P(methods=API_LIST),
    # --- residents (随手拍): public pages by the project's token; staff pages scoped like complaints
    "residents:status": P(get=EVERYONE, public=True),
    "residents:report": P(get=EVERYONE, write=EVERYONE, public=True, kinds={"token": "project_token"}),
    "residents:done": P(
        get=EVERYONE, public=True, kinds={"token": "project_token"}, ok=frozenset({200, 302})
    ),
    "residents:posters": P(lists=("project",)),
    "residents:poster": P(kinds=own("project")),
    "residents:poster_qr": P(kinds=own("project")),
    "residents:photo": P(kinds=own("resident")),
    "residents:reply": P(get=NOBODY, write=SIGNED_IN, kinds=own("resident")),
    # --- the action register and scoring ----------------------------------------------------------
    "action-list": P(lists=("action",), methods=API_LIST),
    "action-detail": P(kinds=own("action"), methods=API_DETAIL),
    "action-complete": P(get=NOBODY, write=SIGNED_IN, kinds=own("action"), methods=API_LIST),
    "action-confirm": P(get=NOBODY, write=OFFICIALS, kinds=own("action"), methods=API_LIST),
    "action-waive": P(get=NOBODY, write=OFFICIALS, kinds=own("action"), methods=API_LIST),
    "actions:list": P(lists=("action",)),
    "actions:export": P(lists=("action",)),
    "actions:bulk": P(get=NOBODY, write=OFFICIALS),
    "actions:detail": P(kinds=own("action")),
    "actions:sources": P(kinds=own("action")),
    # Refused (403, with the reason) to all but the company the action is about, within its period.
    "actions:object": P(write=COMPANIES, kinds=own("action"), ok=frozenset({200, 403})),
    "actions:objection_decide": P(get=NOBODY, write=OFFICIALS, kinds=own("objection")),
    "actions:objection_file": P(kinds=own("objection_file")),
    "actions:notice": P(kinds=own("action")),
    "actions:confirm": P(get=NOBODY, write=OFFICIALS, kinds=own("action")),
    "actions:waive": P(get=NOBODY, write=OFFICIALS, kinds=own("action")),
    "actions:complete": P(get=NOBODY, write=SIGNED_IN, kinds=own("action")),
    "scoring:quarter_list": P(),
    "scoring:compute": P(get=NOBODY, write=OFFICIALS),
    "scoring:import": P(get=OFFICIALS, write=OFFICIALS),
    "scoring:inspection_new": P(get=OFFICIALS, write=OFFICIALS),
    "scoring:evaluation_new": P(get=OFFICIALS, write=OFFICIALS),
    "scoring:publish_month": P(get=NOBODY, write=OFFICIALS),
    "scoring:quarter_detail": P(kinds=QUARTER),
    "scoring:quarter_export": P(kinds=QUARTER),
    "scoring:publish": P(get=NOBODY, write=OFFICIALS, kinds=QUARTER),
    # a trial run, only for who may apply it; a published quarter (as in the world) redirects with the reason
    "scoring:recompute": P(get=OFFICIALS, kinds=QUARTER, ok=frozenset({200, 302})),
    "list-entry-list": P(lists=("list_entry",), methods=API_LIST),
    "list-entry-detail": P(kinds=own("list_entry"), methods=API_DETAIL),
    "credit-rating-list": P(methods=API_LIST),
    "credit-rating-detail": P(kinds=own("credit_rating"), methods=API_DETAIL),
    # --- public pages: published lists, ratings and the QR page need no account -------------------
    "public:index": P(get=EVERYONE, public=True),
    "public:quarter": P(get=EVERYONE, public=True, kinds={"slug": "campaign", "period": "=2024-Q1"}),
    "public:month": P(get=EVERYONE, public=True, kinds={"slug": "campaign", "period": "=2024-07"}),
    "public:project": P(get=EVERYONE, public=True, kinds={"token": "project_token"}),
}


# ---------------------------------------------------------------------------------------------------
# The world: who may see each row is decided here, by construction.
# ---------------------------------------------------------------------------------------------------


@pytest.fixture
def plain_templates(monkeypatch):
    """Render templates without the test client's per-template context copies: 5× faster pages."""
    from django.template import Template
    from django.test.utils import _TestState

    monkeypatch.setattr(Template, "_render", _TestState.saved_data.template_render)


@pytest.fixture
def world(
    plain_templates, settings, tmp_path, county, township_a_region, township_b_region, community_a, housing_bureau, company_x_org, company_y_org,
    projects, campaign, task_force, township_a, township_b, department, company_x, company_y, admin_user,
):  # fmt: skip
    settings.MEDIA_ROOT = tmp_path / "media"
    users = {
        "task_force": task_force, "township_a": township_a, "township_b": township_b, "department": department,
        "company_x": company_x, "company_y": company_y, "admin": admin_user,
        "inactive": make_user("ivan", User.Role.TOWNSHIP, region=township_a_region),
    }  # fmt: skip
    w = World(users=users)
    w.region_paths = {"A": township_a_region.path, "B": township_b_region.path}
    w.ids = {"campaign": campaign.pk}
    both, xy = {"A", "B"}, {"X", "Y"}
    w.add("region", "county", county, None, NOBODY, NOBODY)  # a township sees its subtree, not above it
    w.add("region", "A", township_a_region, None, {"A"}, {"X"})
    w.add("region", "community A", community_a, None, {"A"}, {"X"})
    w.add("region", "B", township_b_region, None, {"B"}, xy)
    w.add("region_township", "A", township_a_region, None, {"A"}, {"X"})
    w.add("region_township", "B", township_b_region, None, {"B"}, xy)
    w.add("department", "housing", housing_bureau, None, both, NOBODY)
    w.add("company", "X", company_x_org, company_x_org.name, both, {"X"})
    w.add("company", "Y", company_y_org, company_y_org.name, {"B"}, {"Y"})
    letter = {"a": ("A", "X"), "b": ("B", "X"), "y": ("B", "Y")}
    for key, project in projects.items():
        town, firm = letter[key]
        w.add("project", key, project, project.name, {town}, {firm})
        w.add("manager", key, project.manager, project.manager.name, {town}, {firm})
    w.add("campaign", "demo", campaign, None, NOBODY, NOBODY, pk=campaign.slug, users=ROLES)
    # An id nobody owns, for URLs whose rows the world does not build: every role must get 404.
    w.add("absent", "none", None, None, NOBODY, NOBODY, pk=987654, users=set())
    for key, project in projects.items():
        w.add("project_token", key, project, None, NOBODY, NOBODY, pk=project.public_token, users=ROLES)
    items = build_ledgers(w, projects, campaign, housing_bureau, letter)
    build_ledger_records(w, items, users, letter)
    build_complaints(w, projects, letter, users, county)
    build_month(campaign, users)
    build_actions(w, projects, campaign, letter, users)
    build_selfchecks(w, projects, campaign, letter, users)
    build_scores(w, projects, campaign, letter, users)
    build_reporting(w, campaign, users, {"A": township_a_region, "B": township_b_region})
    build_inspections(w, campaign, users, projects, letter)
    build_personal(w, users)
    w.clients = clients_for(users)
    return w


def build_ledgers(w, projects, campaign, housing_bureau, letter) -> dict:
    named = Category.objects.create(campaign=campaign, code="1", name="环境卫生")
    named.lead_units.add(housing_bureau)
    other = Category.objects.create(campaign=campaign, code="2", name="道路设施")
    for category in (named, other):
        w.add("category", category.code, category, None, {"A", "B"}, {"X", "Y"})
    items = {}
    for key, project in projects.items():
        town, firm = letter[key]
        tag = f"ZZTitem{key}"
        item = LedgerItem.objects.create(
            project=project, campaign=campaign, category=named if key == "a" else other,
            company=project.company, township=project.township, problem=f"楼道堆放杂物 {tag}",
        )  # fmt: skip
        w.add("item", key, item, tag, {town}, {firm}, departments={"housing"} if key == "a" else set())
        items[key] = item
    return items


def build_ledger_records(w, items, users, letter):
    """Events, evidence, rectification orders and their lines follow the item they belong to."""
    from django.core.files.base import ContentFile

    from ledgers import orders
    from ledgers.models import Evidence, LedgerEvent

    sender = {"a": users["township_a"], "b": users["township_b"], "y": users["township_b"]}
    for key, item in items.items():
        town, firm = letter[key]
        depts = {"housing"} if key == "a" else set()
        event = LedgerEvent.objects.create(item=item, actor=sender[key], move="note", note=f"ZZTevent{key}")
        w.add("event", key, event, f"ZZTevent{key}", {town}, {firm}, departments=depts)
        content = f"evidence file ZZTevid{key}".encode()
        evidence = Evidence.objects.create(
            item=item, file=ContentFile(content, name=f"e{key}.txt"), original_name=f"ZZTevid{key}.txt",
            content_type="text/plain", size=len(content), uploaded_by=sender[key],
        )  # fmt: skip
        w.add("evidence", key, evidence, f"ZZTevid{key}", {town}, {firm}, departments=depts)
        order = orders.issue(user=sender[key], items=[item], deadline=date.today() + timedelta(days=30),
                             body="请整改", number=f"ZZTorder{key}")  # fmt: skip
        w.add("order", key, order, f"ZZTorder{key}", {town}, {firm}, departments=depts)
        for line in order.responses.all():
            w.add("order_line", key, line, None, {town}, {firm}, departments=depts)


def build_complaints(w, projects, letter, users, county):
    from django.core.files.base import ContentFile

    from complaints.models import ImportBatch, ResidentReport

    from .hostile_files import jpeg_bytes

    batch = ImportBatch.objects.create(file_name="ZZTbatch.xlsx", file_hash="0" * 64, created_by=users["task_force"],
                                       region_path=county.path)  # fmt: skip
    batch.report.save("report.csv", ContentFile("工单编号,结果\nZZTbatchreport,ok\n".encode()))
    w.add("complaint_batch", "county", batch, "ZZTbatchreport", NOBODY, NOBODY)
    for key, project in projects.items():
        town, firm = letter[key]
        tag = f"ZZTcmp{key}"
        complaint = Complaint.objects.create(
            ticket=tag, received_at=timezone.make_aware(datetime(2024, 7, 3, 9)), township=project.township,
            region_path=project.township.path, raw_project_name=project.name, content=f"电梯故障 {tag}",
            project=project,
        )  # fmt: skip
        w.add("complaint", key, complaint, tag, {town}, {firm})
        resident = ResidentReport.objects.create(
            complaint=complaint, phone="13900000000", photo=ContentFile(jpeg_bytes(), name="r.jpg"),
            photo_type="image/jpeg", code_hash=f"{key}" * 64, ip_hash="0" * 64, phone_hash="0" * 64,
        )  # fmt: skip
        w.add("resident", key, resident, None, {town}, {firm}, pk=complaint.pk)


def build_month(campaign, users):
    """July 2024 computed (each project has one complaint, so all three rank) and published."""
    from complaints.monthly import compute_month
    from scoring.services import publish_month

    compute_month(campaign, "2024-07")
    publish_month(campaign, "2024-07", users["task_force"])


def build_actions(w, projects, campaign, letter, users):
    from django.core.files.base import ContentFile

    from campaigns.models import Objection, ObjectionFile

    filer = {"X": users["company_x"], "Y": users["company_y"]}
    for key, project in projects.items():
        town, firm = letter[key]
        tag = f"ZZTact{key}"
        action = Action.objects.create(
            campaign=campaign, kind=Action.Kind.REPLACE_MANAGER, period="2024-07", target_type="project",
            target_id=project.pk, target_name=f"{project.name} {tag}", project=project, company=project.company,
            township=project.township, region_path=project.region_path, rule="monthly_top50_streak",
        )  # fmt: skip
        w.add("action", key, action, tag, {town}, {firm}, departments=set())  # issue 14: not aimed at one
        objection = Objection.objects.create(
            action=action, company=project.company,
            reasons=f"ZZTobj{key}", filed_by=filer[firm],
        )  # fmt: skip
        w.add("objection", key, objection, f"ZZTobj{key}", {town}, {firm}, departments=set())
        stored = ObjectionFile(
            objection=objection, original_name="证明.pdf", content_type="application/pdf", size=9
        )
        stored.file.save("upload.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
        w.add("objection_file", key, stored, None, {town}, {firm}, departments=set())


def build_selfchecks(w, projects, campaign, letter, users):
    from campaigns.models import SelfCheck

    filler = {"X": users["company_x"], "Y": users["company_y"]}
    for key, project in projects.items():
        town, firm = letter[key]
        check = SelfCheck.objects.create(
            campaign=campaign, project=project, template="ZZT", region_path=project.region_path,
            company=project.company, answers=[], filled_by=filler[firm],
        )  # fmt: skip
        w.add("selfcheck", key, check, None, {town}, {firm})


def build_scores(w, projects, campaign, letter, users):
    """A computed and published 2024-Q1: project scores, red/black lists and company credit ratings."""
    from scoring.models import CreditRating, ListEntry
    from scoring.quarterly import compute_quarter
    from scoring.services import publish_quarter
    from tests.scoring.conftest import survey

    campaign.list_rule = {"mode": "size", "red": 1, "black": 1}
    campaign.save()
    for key, value in (("a", 90), ("y", 80), ("b", 40)):
        survey(campaign, projects[key], value)
    run = compute_quarter(campaign, "2024-Q1", user=users["task_force"])
    publish_quarter(run, users["task_force"])
    keys = {project.pk: key for key, project in projects.items()}
    for entry in ListEntry.objects.filter(run=run):
        town, firm = letter[keys[entry.project_id]]
        w.add("list_entry", keys[entry.project_id], entry, None, {town}, {firm})
    served = {"X": {"A", "B"}, "Y": {"B"}}
    for rating in CreditRating.objects.filter(run=run).select_related("company"):
        firm = "X" if rating.company.name.startswith("示范") else "Y"
        w.add("credit_rating", firm, rating, None, served[firm], {firm})


def build_reporting(w, campaign, users, towns):
    """A draft and a published bulletin; a monthly report and an unpublished typical case per township."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from ledgers import monthly_reports
    from ledgers.reporting_models import Bulletin

    from .hostile_files import jpeg_bytes

    draft = Bulletin.objects.create(
        campaign=campaign, kind="monthly", period="2024-07", commentary="ZZTbulldraft"
    )
    w.add("bulletin", "draft", draft, "ZZTbulldraft", NOBODY, NOBODY, users={"task_force", "admin"})
    from ledgers import bulletins

    june = bulletins.parse_period("monthly", "2024-06")
    published = bulletins.draft_for(campaign, june, users["task_force"])
    bulletins.edit(published, users["task_force"], issuer="专班", commentary="ZZTbullpub", next_steps="")
    published = bulletins.publish(published, users["task_force"])
    w.add("bulletin", "published", published, None, NOBODY, NOBODY, users=READERS)
    figures = {field["key"]: "1" for field in monthly_reports.indicators_of(campaign)}
    for town in towns:
        officer = users[f"township_{town.lower()}"]
        report = monthly_reports.submit(campaign, officer, "2024-07", figures, f"ZZTreport{town}")
        w.add("report", town, report, f"ZZTreport{town}", {town}, NOBODY, departments=set())
        data = {"kind": "negative", "title": f"ZZTcase{town}", "happened": "占用消防通道", "done": "已整改"}
        photo = SimpleUploadedFile("case.jpg", jpeg_bytes(), content_type="image/jpeg")
        case = monthly_reports.add_case(campaign, officer, data, photo)
        w.add("case", town, case, f"ZZTcase{town}", {town}, NOBODY, departments=set())


def build_inspections(w, campaign, users, projects, letter):
    """An unpublished draw of all three projects with one visit each, recorded by the task force."""
    from decimal import Decimal

    from campaigns import inspection_workflow as flow

    # Only the task force member is in the inspector pool, so the random draw cannot pick the department
    # user (a drawn inspector may record visits): the world stays the same run after run.
    inspectors = list(
        flow.eligible_inspectors(campaign).filter(pk=users["task_force"].pk).values_list("pk", flat=True)
    )
    draw = flow.make_draw(
        campaign,
        users["task_force"],
        title="ZZTdraw",
        pool=flow.PoolFilter(),
        inspector_ids=inspectors,
        project_count=3,
        inspector_count=1,
        typed="20240701",
    )
    # No text: a visited township sees the draw's title on its visit; what must stay hidden until
    # publication, the other drawn projects, is caught by the project names.
    w.add("draw", "county", draw, None, NOBODY, NOBODY, users=DRAW_READERS)
    for key, project in projects.items():
        town, firm = letter[key]
        visit = flow.record_visit(
            draw,
            project,
            users["task_force"],
            visited_on=date(2024, 7, 1),
            inspector_ids=inspectors[:1],
            checklist=[],
            score=Decimal("90"),
            findings=[],
        )
        # companies see visits only after publication: this draw is unpublished
        w.add("visit", key, visit, None, {town}, NOBODY)


def build_personal(w, users):
    """Jobs and notifications belong to one person: nobody else sees them, whatever their scope."""
    for role in ("township_a", "company_x"):
        user = users[role]
        job = Job.objects.create(kind="export", title=f"导出 ZZTjob{role}", created_by=user)
        w.add("job", role, job, f"ZZTjob{role}", NOBODY, NOBODY, users={role, "admin"})
        note = Notification.objects.create(user=user, kind="test", title=f"提醒 ZZTnote{role}")
        w.add("notification", role, note, f"ZZTnote{role}", NOBODY, NOBODY, users={role})
    account = make_user("ZZTaccount", User.Role.TOWNSHIP)
    w.add("account", "zzt", account, "ZZTaccount", NOBODY, NOBODY, users={"admin"})
    job = Job.objects.create(kind="import_projects", title="导入 ZZTjobadmin", created_by=users["admin"])
    w.add("admin_job", "admin", job, "ZZTjobadmin", NOBODY, NOBODY, users={"admin"})
    job = Job.objects.create(kind="ledger_import", title="台账导入 ZZTledgerjob", created_by=users["township_a"],
                             params={"campaign": Campaign.objects.get().pk}, status=Job.Status.DONE)  # fmt: skip
    w.add("ledger_import", "township_a", job, "ZZTledgerjob", NOBODY, NOBODY, users={"township_a", "admin"})


def clients_for(users) -> dict[str, Client]:
    clients = {}
    for role in ROLES:
        client = Client(raise_request_exception=False)
        if role in users:
            client.force_login(users[role])
        clients[role] = client
    users["inactive"].is_active = False
    users["inactive"].save()
    return clients


# ---------------------------------------------------------------------------------------------------
# The tests
# ---------------------------------------------------------------------------------------------------

INVENTORY = url_inventory()
ADMIN_SITE = {name for name in INVENTORY if name.startswith("admin:")}
APP_URLS = sorted(set(INVENTORY) - ADMIN_SITE)
FIGURES["urls"] = len(APP_URLS)


def test_every_url_has_a_policy():
    missing = [name for name in APP_URLS if name not in POLICY]
    assert missing == [], (
        f"URLs without an entry in POLICY (add one: who may read/write, which rows): {missing}"
    )


def test_every_api_route_in_the_schema_has_a_policy():
    missing = {path: name for path, (name, _) in schema_routes().items() if name not in POLICY}
    assert missing == {}


def test_every_kind_the_policy_names_has_rows_in_the_world(world):
    """A misspelt kind would leave a URL with no own or foreign object to try: refuse it."""
    named = {kind for policy in POLICY.values() for kind in [*policy.kinds.values(), *policy.lists]}
    built = {row.kind for row in world.rows}
    assert sorted(k for k in named if not k.startswith("=") and k not in built) == []


def test_the_policy_names_no_url_that_is_gone():
    assert sorted(set(POLICY) - set(INVENTORY)) == []


@pytest.mark.parametrize("group", sorted({INVENTORY[name].group for name in APP_URLS}))
def test_no_role_reads_or_writes_outside_its_scope(world, group):
    """Every URL of one app with a policy; the world is built once, each request is rolled back."""
    findings = []
    for name in APP_URLS:
        if INVENTORY[name].group == group and name in POLICY:
            policy = POLICY[name]
            findings += check_url(world, INVENTORY[name], policy, policy.methods)
            FIGURES["urls checked"] += 1
    FINDINGS.extend(findings)
    assert findings == [], "\n".join(findings)


def test_the_matrix_catches_a_read_leak_and_a_write_leak(world, monkeypatch):
    """The checks above can fail: with project scoping switched off, reads and writes leak and are caught."""
    from ledgers.querysets import LedgerItemQuerySet
    from orgs.querysets import ProjectQuerySet

    saved = FIGURES.copy()  # this run leaks on purpose: its counts are not the matrix's figures
    monkeypatch.setattr(ProjectQuerySet, "visible_to", lambda self, user: self)
    monkeypatch.setattr(LedgerItemQuerySet, "visible_to", lambda self, user: self)
    found = []
    for name in ("orgs:project_detail", "orgs:project_list", "ledger-item-start"):
        found += check_url(world, INVENTORY[name], POLICY[name], POLICY[name].methods, roles=("township_a",))
    FIGURES.clear()
    FIGURES.update(saved)

    assert any("/orgs/projects/" in f and "foreign object got 200" in f for f in found), found
    assert any("outside the scope" in f and "project b (东湖家园)" in f for f in found), found
    assert any("/start/" in f and "changed" in f for f in found), found


def test_only_administrators_reach_the_admin_site(world):
    """Django's admin checks is_staff before anything else: every other role is sent to its login."""
    findings = []
    for name in sorted(ADMIN_SITE):
        route = INVENTORY[name]
        kinds = {kwarg: "=orgs" if kwarg == "app_label" else "=1" for kwarg in route.kwargs}
        kinds |= {f"#{i}": "=1" for i in range(route.positional)}
        # Its login page is a form anyone may open; everything else needs a staff account.
        policy = Policy(
            get=EVERYONE if name == "admin:login" else NOBODY, kinds=kinds, public=name == "admin:login"
        )
        findings += check_url(
            world, route, policy, ("get", "post"), roles=tuple(r for r in ROLES if r != "admin")
        )
    FIGURES["admin urls"] += len(ADMIN_SITE)
    FINDINGS.extend(findings)
    assert findings == [], "\n".join(findings)
