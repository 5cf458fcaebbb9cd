"""Every move per role: who may make it, who is refused, and what is recorded."""

from datetime import date, timedelta

import pytest

from ledgers import workflow
from ledgers.models import LedgerItem, RectificationPlan
from ledgers.workflow import NotAllowed, StaleVersion, WorkflowError

ROLES = ["task_force", "township_a", "township_b", "department", "company_x", "company_y", "admin_user"]
LATER = date.today() + timedelta(days=30)

# move → (status the item must be in, the call, the roles that may make it on item_a)
MOVES = {
    "start": (
        "registered",
        lambda i, u: workflow.start(i, u),
        {"task_force", "township_a", "department", "company_x"},
    ),
    "submit": (
        "in_progress",
        lambda i, u: workflow.submit(i, u),
        {"task_force", "township_a", "department", "company_x"},
    ),
    "accept": ("submitted", lambda i, u: workflow.accept(i, u), {"task_force", "township_a"}),
    "return": (
        "submitted",
        lambda i, u: workflow.return_(i, u, reason="照片不清晰"),
        {"task_force", "township_a"},
    ),
    "escalate": (
        "in_progress",
        lambda i, u: workflow.escalate(i, u, level="county", deadline=LATER),
        {"task_force"},
    ),
    "extend": (
        "in_progress",
        lambda i, u: workflow.extend(i, u, new_deadline=LATER, plan="分两期施工"),
        {"task_force", "township_a", "department"},
    ),
    "withdraw": (
        "registered",
        lambda i, u: workflow.withdraw(i, u, reason="重复登记"),
        {"task_force", "township_a", "admin_user"},
    ),
    "edit": (
        "in_progress",
        lambda i, u: workflow.edit(i, u, {"progress_note": "已完成一半"}),
        {"task_force", "township_a", "department", "company_x", "admin_user"},
    ),
}
CASES = [(move, role, role in allowed) for move, (_, _, allowed) in MOVES.items() for role in ROLES]


@pytest.mark.parametrize(("move", "role", "allowed"), CASES)
def test_each_move_is_allowed_only_to_the_roles_of_the_transitions_table(
    request, item_a, move, role, allowed
):
    status, call, _ = MOVES[move]
    LedgerItem.objects.filter(pk=item_a.pk).update(status=status, deadline=date.today())
    item_a.refresh_from_db()
    user = request.getfixturevalue(role)
    if allowed:
        call(item_a, user)
        item_a.refresh_from_db()
        assert item_a.version == 2
        assert item_a.events.filter(move=move, actor=user).exists()
    else:
        with pytest.raises(WorkflowError):
            call(item_a, user)
        item_a.refresh_from_db()
        assert (item_a.status, item_a.version) == (status, 1)
        assert not item_a.events.exists()


def test_a_company_can_never_close_its_own_item(item_a, company_x):
    workflow.submit(item_a, company_x)
    with pytest.raises(NotAllowed, match="不能对该问题验收销号"):
        workflow.accept(item_a, company_x)
    item_a.refresh_from_db()
    assert item_a.status == "submitted" and item_a.closed_at is None


def test_a_move_from_the_wrong_state_is_refused_in_chinese(item_a, township_a):
    with pytest.raises(WorkflowError, match="待整改.*不能验收销号"):
        workflow.accept(item_a, township_a)


def test_the_full_life_closes_the_item_and_records_each_step(item_a, township_a, company_x):
    workflow.start(item_a, company_x)
    workflow.submit(item_a, company_x, note="已清理")
    workflow.return_(item_a, township_a, reason="仍有杂物")
    workflow.submit(item_a, company_x)
    item = workflow.accept(item_a, township_a)
    assert item.status == "closed" and item.closed_at is not None
    steps = list(item.events.values_list("move", "from_status", "to_status"))
    assert steps == [
        ("start", "registered", "in_progress"),
        ("submit", "in_progress", "submitted"),
        ("return", "submitted", "in_progress"),
        ("submit", "in_progress", "submitted"),
        ("accept", "submitted", "closed"),
    ]
    assert item.events.get(move="return").note == "仍有杂物"


def test_return_and_withdraw_need_a_reason(item_a, township_a, company_x):
    workflow.submit(item_a, company_x)
    with pytest.raises(WorkflowError, match="理由"):
        workflow.return_(item_a, township_a, reason="  ")
    with pytest.raises(WorkflowError, match="理由"):
        workflow.withdraw(item_a, township_a, reason="")


def test_withdraw_keeps_the_row_and_its_reason(item_a, township_a):
    workflow.withdraw(item_a, township_a, reason="重复登记")
    item = LedgerItem.objects.get(pk=item_a.pk)
    assert item.status == "withdrawn"
    assert item.events.get(move="withdraw").note == "重复登记"


def test_an_edit_records_each_field_before_and_after(item_a, township_a, housing_bureau):
    workflow.edit(item_a, township_a, {"measures": "清理并设置禁停标识", "responsible_unit": housing_bureau})
    event = item_a.events.get(move="edit")
    assert event.changes == {"measures": ["", "清理并设置禁停标识"], "responsible_unit": [None, "县住建局"]}


def test_a_company_may_not_move_the_deadline(item_a, company_x):
    with pytest.raises(NotAllowed, match="完成时限"):
        workflow.edit(item_a, company_x, {"deadline": LATER})


def test_a_stale_version_is_refused_and_nothing_changes(item_a, township_a, company_x):
    seen = item_a.version
    workflow.edit(item_a, company_x, {"progress_note": "公司先改"})
    with pytest.raises(StaleVersion, match="已被他人修改"):
        workflow.edit(item_a, township_a, {"progress_note": "镇街后改"}, version=seen)
    item_a.refresh_from_db()
    assert item_a.progress_note == "公司先改" and item_a.version == seen + 1


def test_a_plan_extends_the_deadline_and_keeps_the_old_one(item_a, township_a):
    LedgerItem.objects.filter(pk=item_a.pk).update(deadline=date(2024, 5, 1))
    workflow.extend(item_a, township_a, new_deadline=date(2024, 9, 1), plan="雨季后施工")
    plan = RectificationPlan.objects.get(item=item_a)
    assert (plan.old_deadline, plan.new_deadline) == (date(2024, 5, 1), date(2024, 9, 1))
    assert item_a.events.get(move="extend").changes == {"deadline": ["2024-05-01", "2024-09-01"]}


def test_a_plan_cannot_bring_the_deadline_forward(item_a, township_a):
    LedgerItem.objects.filter(pk=item_a.pk).update(deadline=date(2024, 5, 1))
    with pytest.raises(WorkflowError, match="晚于原完成时限"):
        workflow.extend(item_a, township_a, new_deadline=date(2024, 4, 1), plan="提前")


def test_escalation_sets_level_and_its_own_deadline_and_tells_the_company(
    item_a, task_force, company_x, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        workflow.escalate(item_a, task_force, level="city", deadline=LATER)
    item_a.refresh_from_db()
    assert (item_a.escalation_level, item_a.escalation_deadline) == ("city", LATER)
    assert company_x.notifications.filter(kind="ledger_escalated").exists()


def test_a_return_tells_the_company(item_a, township_a, company_x, django_capture_on_commit_callbacks):
    workflow.submit(item_a, company_x)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.return_(item_a, township_a, reason="不合格")
    assert company_x.notifications.filter(kind="ledger_returned").exists()


def test_create_item_refuses_a_project_outside_the_users_scope(township_a, project_b, campaign):
    with pytest.raises(WorkflowError, match="管辖范围"):
        workflow.create_item(user=township_a, campaign=campaign, project=project_b, problem="x")


def test_create_item_keeps_the_serving_company_and_writes_the_first_event(company_x, project_a, campaign):
    item = workflow.create_item(
        user=company_x, campaign=campaign, project=project_a, problem="自查发现", source="self_check"
    )
    assert item.company_id == project_a.company_id and item.status == "registered"
    assert item.events.get().move == "create"


def test_available_moves_are_what_the_table_allows_this_user(item_a, township_a, company_x):
    assert workflow.Move.ACCEPT not in workflow.available_moves(item_a, township_a)
    workflow.submit(item_a, company_x)
    item_a.refresh_from_db()
    assert workflow.Move.ACCEPT in workflow.available_moves(item_a, township_a)
    assert workflow.Move.ACCEPT not in workflow.available_moves(item_a, company_x)
