"""Behind the reverse proxy: the client's own address counts, never one a client wrote itself (issue 18, item 2).

Before, every limit counted REMOTE_ADDR, which behind nginx is the proxy for every request: five
resident reports an hour for the whole county, and five wrong passwords locked an account for all.
"""

from datetime import timedelta
from ipaddress import ip_network

import pytest
from axes.models import AccessAttempt
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from complaints.models import Complaint
from config.client_address import client_address
from config.env import env_networks
from config.login_throttle import account_cooldown
from tests.conftest import PASSWORD

PROXY = "10.0.0.2"


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXIES = [ip_network("10.0.0.0/8"), ip_network("127.0.0.1")]
    settings.TRUSTED_PROXY_COUNT = 0


def address_of(remote: str, forwarded: str | None = None) -> str:
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return client_address(RequestFactory().get("/", REMOTE_ADDR=remote, **extra))


def test_without_trusted_proxies_a_forwarded_header_is_ignored(settings):
    settings.TRUSTED_PROXIES, settings.TRUSTED_PROXY_COUNT = [], 0
    assert address_of("203.0.113.5", "198.51.100.1") == "203.0.113.5"


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        pytest.param(PROXY, "198.51.100.7", "198.51.100.7", id="the proxy names the client"),
        pytest.param(
            PROXY, "6.6.6.6, 198.51.100.7", "198.51.100.7", id="a spoofed entry left of it is ignored"
        ),
        pytest.param(PROXY, "198.51.100.7, 10.0.0.9", "198.51.100.7", id="two proxies of ours"),
        pytest.param(
            "203.0.113.5", "198.51.100.7", "203.0.113.5", id="an untrusted client writing the header"
        ),
        pytest.param(PROXY, "not-an-address", PROXY, id="a mangled header is not believed"),
        pytest.param(PROXY, None, PROXY, id="no header: the proxy itself"),
        pytest.param(PROXY, "2001:db8::1", "2001:db8::1", id="ipv6 client"),
    ],
)
def test_the_client_is_the_first_address_from_the_right_that_is_not_our_proxy(
    behind_proxy, remote, forwarded, expected
):
    assert address_of(remote, forwarded) == expected


def test_a_proxy_count_takes_that_many_entries_from_the_right(settings):
    settings.TRUSTED_PROXIES, settings.TRUSTED_PROXY_COUNT = [], 1
    assert address_of(PROXY, "6.6.6.6, 198.51.100.7") == "198.51.100.7"
    assert address_of(PROXY) == PROXY


def test_a_bad_trusted_proxies_value_stops_the_start(monkeypatch):
    monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.0/8, nginx")
    with pytest.raises(ImproperlyConfigured, match="nginx"):
        env_networks("TRUSTED_PROXIES", [])


# --- residents' limits ------------------------------------------------------------------------------


def test_residents_behind_the_proxy_each_have_their_own_hourly_limit(behind_proxy, project_a, settings):
    settings.RESIDENT_REPORTS_PER_IP_HOUR = 2
    url = reverse("residents:report", args=[project_a.public_token])

    def report(client_ip: str, phone: str):
        form = {"category": "环境卫生", "description": "楼道堆满杂物", "phone": phone, "website": ""}
        return Client().post(url, form, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=client_ip)

    assert [report("198.51.100.1", f"1390000000{n}").status_code for n in range(3)] == [302, 302, 429]
    assert report("198.51.100.2", "13900000008").status_code == 302, "another resident is not refused"
    assert Complaint.objects.count() == 3


def test_a_spoofed_header_does_not_escape_the_residents_limit(behind_proxy, project_a, settings):
    settings.RESIDENT_LOOKUPS_PER_IP_HOUR = 2
    statuses = [
        Client()
        .post(
            reverse("residents:status"),
            {"code": "ZZZZZ-ZZZZZ", "phone_tail": "0000"},
            REMOTE_ADDR="203.0.113.5",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        )
        .status_code
        for n in range(3)
    ]
    assert statuses == [200, 200, 429]


# --- logins ---------------------------------------------------------------------------------------------


def login(username: str, password: str, client_ip: str, client: Client | None = None):
    client = client or Client()
    response = client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=client_ip,
    )
    return response


def test_five_wrong_passwords_behind_the_proxy_lock_only_that_client(behind_proxy, township_a, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login("bob", "wrong-password-1", "198.51.100.66")

    assert login("bob", PASSWORD, "198.51.100.66").status_code == 429
    assert login("bob", PASSWORD, "198.51.100.10").status_code == 302, "bob at his own desk is not locked out"
    assert AccessAttempt.objects.filter(ip_address=PROXY).count() == 0, "the proxy's address is never counted"


def guess_from_ten_addresses(username: str = "bob") -> None:
    for n in range(10):
        assert login(username, "wrong-password-1", f"198.51.100.{100 + n}").status_code == 200


def test_ten_wrong_passwords_from_ten_addresses_count_for_the_account(behind_proxy, township_a):
    guess_from_ten_addresses()

    refused = login("bob", PASSWORD, "198.51.100.200")

    assert refused.status_code == 200 and "_auth_user_id" not in refused.wsgi_request.session
    assert "分钟后再试" in refused.content.decode()
    assert not AccessAttempt.objects.filter(ip_address="198.51.100.200").exists(), (
        "refused: not checked, not counted"
    )


def test_the_real_user_still_signs_in_from_an_address_he_used_before(behind_proxy, township_a):
    own = Client()
    assert login("bob", PASSWORD, "198.51.100.10", own).status_code == 302
    own.post(reverse("logout"))
    guess_from_ten_addresses()

    assert login("bob", PASSWORD, "198.51.100.10").status_code == 302


def test_after_the_cool_down_the_user_signs_in_from_a_new_address(behind_proxy, township_a):
    guess_from_ten_addresses()
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=2))

    assert login("bob", PASSWORD, "198.51.100.201").status_code == 302


def test_other_accounts_are_not_slowed_by_guesses_at_one(behind_proxy, township_a, township_b):
    guess_from_ten_addresses("bob")
    assert login("charlie", PASSWORD, "198.51.100.200").status_code == 302


def test_one_address_spraying_many_accounts_is_refused(behind_proxy, township_a, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 6
    for n in range(6):
        login(f"officer{n}", "Spring-2031-pass", "198.51.100.77")

    refused = login("bob", PASSWORD, "198.51.100.77")

    assert refused.status_code == 200 and "网络近期密码错误次数过多" in refused.content.decode()
    assert login("bob", PASSWORD, "198.51.100.78").status_code == 302


@pytest.mark.parametrize(
    ("failures", "minutes"),
    [(0, 0), (9, 0), (10, 1), (14, 1), (15, 2), (20, 4), (25, 8), (30, 15), (500, 15)],
)
def test_the_account_cool_down_grows_with_the_failures_up_to_a_cap(failures, minutes):
    assert account_cooldown(failures, free=10, longest=timedelta(minutes=15)) == timedelta(minutes=minutes)
