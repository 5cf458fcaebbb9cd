"""Passwords and lock-out (ASVS 6): context words refused in Chinese, django-axes locks username + IP."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from config.password_validation import ContextWordsValidator
from orgs.models import Region
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "password",
    [
        "Wuye-secure-2024",
        "my12345pass!Q",
        "ZhengZhiTong#2024",
        "ｗｕｙｅ-Longer-77",
        "Shifan-county-88",
        "Shi-Fan-xian-88",
    ],
)
def test_passwords_with_context_words_are_refused_in_chinese(county, password):
    with pytest.raises(ValidationError) as refused:
        validate_password(password)

    assert any("容易被猜到" in message for message in refused.value.messages)


def test_the_county_name_in_chinese_is_refused(county):
    with pytest.raises(ValidationError):
        ContextWordsValidator().validate("我在示范县工作abc")


def test_the_username_inside_a_password_is_refused(township_a):
    with pytest.raises(ValidationError) as refused:
        ContextWordsValidator().validate("Great-bob-Horse-9", user=township_a)

    assert "bob" in refused.value.messages[0]


def test_a_password_free_of_context_words_passes_every_validator(county, township_a):
    validate_password("Qv8-mango-river-71", user=township_a)


def test_a_new_deployments_regions_are_picked_up_without_configuration(county):
    Region.objects.create(name="临河县", level=Region.Level.DISTRICT, parent=county.parent)

    with pytest.raises(ValidationError):
        ContextWordsValidator().validate("Linhe-river-2031")


@pytest.mark.parametrize("password", ["chengguanjiedao1", "Chengguan-Gate-2031", "城关街道Gate2031"])
def test_a_township_name_or_its_pinyin_is_refused_as_the_help_text_promises(county, password):
    """The outside test: `chengguanjiedao1` passed although the help says local place names are refused."""
    Region.objects.get_or_create(name="城关街道", level=Region.Level.TOWNSHIP, parent=county)

    with pytest.raises(ValidationError) as refused:
        validate_password(password)

    assert any("容易被猜到" in message for message in refused.value.messages)


def test_short_passwords_are_refused(db):
    with pytest.raises(ValidationError):
        validate_password("Ab-3xQ9k")


def test_the_context_word_list_is_configurable(settings, db):
    settings.PASSWORD_CONTEXT_WORDS = ["huangshan"]

    with pytest.raises(ValidationError):
        ContextWordsValidator().validate("HuangShan-2099-x")
    ContextWordsValidator().validate("Wuye-allowed-now-1")


def failed_logins(client: Client, username: str, times: int) -> None:
    for _ in range(times):
        response = client.post(reverse("login"), {"username": username, "password": "wrong-password-1"})
        assert response.status_code in (200, 429)


def test_repeated_failures_lock_the_account_with_a_chinese_page(client, township_a, settings):
    failed_logins(client, "bob", settings.AXES_FAILURE_LIMIT)

    response = client.post(reverse("login"), {"username": "bob", "password": PASSWORD})

    assert response.status_code == 429
    assert "账户已被暂时锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session, "the right password does not get a locked user in"


def test_lockout_is_per_username_and_address(client, township_a, township_b, settings):
    failed_logins(client, "bob", settings.AXES_FAILURE_LIMIT)

    other_user = client.post(reverse("login"), {"username": "charlie", "password": PASSWORD})
    other_address = Client(REMOTE_ADDR="10.1.2.3").post(
        reverse("login"), {"username": "bob", "password": PASSWORD}
    )

    assert other_user.status_code == 302, "a mistyping colleague behind the same NAT is not locked out"
    assert other_address.status_code == 302


def test_a_successful_login_resets_the_failure_count(client, township_a, settings):
    failed_logins(client, "bob", settings.AXES_FAILURE_LIMIT - 1)
    assert client.post(reverse("login"), {"username": "bob", "password": PASSWORD}).status_code == 302
    client.post(reverse("logout"))

    failed_logins(client, "bob", settings.AXES_FAILURE_LIMIT - 1)
    response = client.post(reverse("login"), {"username": "bob", "password": PASSWORD})

    assert response.status_code == 302


def test_axes_settings_are_sane(settings):
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AXES_RESET_ON_SUCCESS is True
    assert 3 <= settings.AXES_FAILURE_LIMIT <= 10
    assert settings.AXES_COOLOFF_TIME, "a lock-out ends on its own; otherwise one attacker locks out everyone"
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
