from django.core import mail
from django.urls import reverse

from orgs.models import Notification
from orgs.notifications import notify, send_daily_digest
from orgs.tasks import send_daily_digest as digest_task


def test_notify_writes_one_row_per_active_user_in_one_insert(
    township_a, township_b, django_assert_num_queries
):
    township_b.is_active = False
    township_b.save()
    with django_assert_num_queries(2):
        rows = notify([township_a, township_b, township_a], "order", "收到整改通知书", url="/orgs/projects/")
    assert [n.user for n in rows] == [township_a]
    assert Notification.objects.get().title == "收到整改通知书"


def test_inbox_lists_only_own_notifications(township_a, township_b, client_for):
    notify([township_a], "order", "给城关的通知")
    notify([township_b], "order", "给东城的通知")
    page = client_for(township_a).get(reverse("orgs:inbox"))
    assert "给城关的通知" in page.text
    assert "给东城的通知" not in page.text


def test_navigation_shows_unread_count_on_inbox(township_a, client_for):
    notify([township_a], "order", "一")
    notify([township_a], "order", "二")
    page = client_for(township_a).get(reverse("home"))
    inbox = next(i for i in page.context["nav_items"] if i["url"] == reverse("orgs:inbox"))
    assert inbox["badge"] == 2


def test_marking_read_with_htmx_returns_the_row_and_new_count(township_a, client_for):
    (note,) = notify([township_a], "order", "待读")
    client = client_for(township_a)
    response = client.post(reverse("orgs:inbox_read", args=[note.pk]), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert 'id="inbox-unread"' in response.text and "未读 0" in response.text
    note.refresh_from_db()
    assert note.read_at is not None


def test_cannot_mark_or_open_someone_elses_notification(township_a, township_b, client_for):
    (note,) = notify([township_b], "order", "别人的")
    client = client_for(township_a)
    assert client.post(reverse("orgs:inbox_read", args=[note.pk])).status_code == 404
    assert client.get(reverse("orgs:inbox_open", args=[note.pk])).status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


def test_opening_a_notification_marks_it_read_and_follows_only_local_links(township_a, client_for):
    local, foreign = notify([township_a], "x", "本站", url="/orgs/projects/") + notify(
        [township_a], "x", "外站", url="https://evil.example/"
    )
    client = client_for(township_a)
    assert client.get(reverse("orgs:inbox_open", args=[local.pk])).url == "/orgs/projects/"
    assert client.get(reverse("orgs:inbox_open", args=[foreign.pk])).url == reverse("orgs:inbox")
    assert Notification.objects.unread().count() == 0


def test_mark_all_read(township_a, client_for):
    notify([township_a], "x", "一")
    notify([township_a], "x", "二")
    client_for(township_a).post(reverse("orgs:inbox_read_all"))
    assert not Notification.objects.unread().exists()


def test_daily_digest_emails_each_user_once_per_notification(township_a, township_b):
    township_a.email = "bob@example.cn"
    township_a.save()
    notify([township_a, township_b], "x", "逾期提醒", url="/orgs/projects/")
    assert digest_task.delay().get() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["bob@example.cn"]
    assert "逾期提醒" in mail.outbox[0].body and "http://localhost:8000/orgs/projects/" in mail.outbox[0].body
    assert send_daily_digest() == 0  # nothing new since the last digest
