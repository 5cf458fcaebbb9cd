from django.urls import reverse

from tests.conftest import PASSWORD


def test_login_then_logout(township_a, client):
    response = client.post(reverse("login"), {"username": "bob", "password": PASSWORD})
    assert response.status_code == 302 and response.url == reverse("home")
    assert "城关街道" in client.get(reverse("home")).text
    response = client.post(reverse("logout"))
    assert response.url == reverse("login")
    assert client.get(reverse("home")).status_code == 302


def test_wrong_password_shows_a_chinese_error(township_a, client):
    response = client.post(reverse("login"), {"username": "bob", "password": "wrong-password"})
    assert response.status_code == 200
    assert "请输入一个正确的" in response.text and "注意，两者都区分大小写" in response.text
    assert not response.wsgi_request.user.is_authenticated


def test_five_failures_lock_the_account_with_the_chinese_page(township_a, client):
    for _ in range(5):
        client.post(reverse("login"), {"username": "bob", "password": "wrong-password"})
    response = client.post(reverse("login"), {"username": "bob", "password": PASSWORD})
    assert response.status_code == 429
    assert "登录失败次数过多，该账户已被暂时锁定" in response.content.decode()
    assert client.get(reverse("home")).status_code == 302  # the right password did not get in


def test_lockout_of_one_account_leaves_another_alone(township_a, township_b, client):
    for _ in range(5):
        client.post(reverse("login"), {"username": "bob", "password": "wrong-password"})
    response = client.post(reverse("login"), {"username": "charlie", "password": PASSWORD})
    assert response.status_code == 302


def test_password_change_needs_the_old_password_and_then_works(township_a, client_for, client):
    signed_in = client_for(township_a)
    url = reverse("password_change")
    bad = signed_in.post(
        url, {"old_password": "nope", "new_password1": "Lh-new-pass-77", "new_password2": "Lh-new-pass-77"}
    )
    assert bad.status_code == 200 and bad.context["form"].errors
    good = signed_in.post(
        url, {"old_password": PASSWORD, "new_password1": "Lh-new-pass-77", "new_password2": "Lh-new-pass-77"}
    )
    assert good.url == reverse("password_change_done")
    signed_in.post(reverse("logout"))
    assert client.post(reverse("login"), {"username": "bob", "password": "Lh-new-pass-77"}).status_code == 302


def test_a_weak_new_password_is_refused(township_a, client_for):
    response = client_for(township_a).post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert response.status_code == 200 and response.context["form"].errors["new_password2"]
