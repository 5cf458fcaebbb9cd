"""收件箱 by kind, and the daily digest: one e-mail per person per day, grouped by kind."""

from datetime import timedelta

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from orgs.models import Notification
from orgs.notifications import mark_read, notify, send_daily_digest

Kind = Notification.Kind


def test_the_inbox_filters_by_kind_and_labels_each_notice(township_a, client_for):
    notify([township_a], Kind.OVERDUE, "已逾期 2 天：A-1")
    notify([township_a], Kind.ORDER, "整改通知书 1号")
    page = client_for(township_a).get(reverse("orgs:inbox"), {"kind": Kind.OVERDUE})
    assert [n.title for n in page.context["page"]] == ["已逾期 2 天：A-1"]
    assert "text-bg-danger" in page.text and ">已逾期</span>" in page.text


def test_read_notices_show_only_under_all_and_the_kind_filter_still_applies(township_a, client_for):
    (read,) = notify([township_a], Kind.DUE_SOON, "3 天后到期")
    notify([township_a], Kind.DUE_SOON, "今天到期")
    notify([township_a], Kind.ORDER, "通知书")
    mark_read(township_a, [read.pk])
    client = client_for(township_a)
    unread = client.get(reverse("orgs:inbox"), {"kind": Kind.DUE_SOON})
    everything = client.get(reverse("orgs:inbox"), {"kind": Kind.DUE_SOON, "show": "all"})
    assert [n.title for n in unread.context["page"]] == ["今天到期"]
    assert {n.title for n in everything.context["page"]} == {"3 天后到期", "今天到期"}


def test_an_unknown_kind_shows_nothing_of_anyone_elses(township_a, township_b, client_for):
    notify([township_b], Kind.ORDER, "东城的通知")
    page = client_for(township_a).get(reverse("orgs:inbox"), {"kind": "nope", "show": "all"})
    assert page.status_code == 200 and "东城的通知" not in page.text


def test_the_inbox_page_costs_the_same_few_queries_however_many_notices(
    township_a, client_for, django_assert_max_num_queries
):
    for n in range(25):
        notify([township_a], Kind.OVERDUE if n % 2 else Kind.ORDER, f"通知 {n}")
    client = client_for(township_a)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("orgs:inbox"))
    assert len(page.context["page"]) == 25


def test_a_kind_no_longer_listed_still_displays_under_its_raw_name(township_a):
    (note,) = notify([township_a], "legacy_kind", "旧通知")
    assert note.kind_label == "legacy_kind" and note.kind_style == "secondary"


def test_the_digest_groups_unread_notices_by_kind(township_a):
    township_a.email = "bob@example.cn"
    township_a.save()
    notify([township_a], Kind.OVERDUE, "已逾期 1 天：A-1")
    notify([township_a], Kind.ORDER, "整改通知书 1号")
    notify([township_a], Kind.OVERDUE, "已逾期 3 天：A-2")
    assert send_daily_digest() == 1
    body = mail.outbox[0].body
    assert body.index("【新整改通知书】1 条") < body.index("【已逾期】2 条")
    assert body.index("已逾期 1 天") > body.index("【已逾期】")


def test_the_digest_sends_one_email_per_person_per_day_and_the_rest_tomorrow(township_a):
    township_a.email = "bob@example.cn"
    township_a.save()
    notify([township_a], Kind.ORDER, "上午的通知")
    assert send_daily_digest() == 1
    (later,) = notify([township_a], Kind.ESCALATED, "下午的督办")
    assert send_daily_digest() == 0 and len(mail.outbox) == 1
    Notification.objects.exclude(pk=later.pk).update(emailed_at=timezone.now() - timedelta(days=1))
    assert send_daily_digest() == 1
    assert "下午的督办" in mail.outbox[1].body and "上午的通知" not in mail.outbox[1].body


def test_the_digest_skips_people_without_an_email_and_notices_already_read(township_a, township_b):
    township_a.email = "bob@example.cn"
    township_a.save()
    (read,) = notify([township_a], Kind.ORDER, "已读的")
    mark_read(township_a, [read.pk])
    notify([township_b], Kind.ORDER, "无邮箱的人")
    assert send_daily_digest() == 0 and not mail.outbox
