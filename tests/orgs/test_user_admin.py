"""The admin's day (issue 14): create a user with role and organisation in one form (organisation by
type-ahead), reset a password, deactivate; the imports and /admin/ in the menu. Only administrators."""

import pytest
from django.test import Client
from django.urls import reverse

from orgs.models import User

STRONG = "Qz7!mR2#vK9p"


def signs_in(username: str, password: str) -> bool:
    return Client().post(reverse("login"), {"username": username, "password": password}).status_code == 302


def new_user(client, **fields):
    data = {
        "username": "wang.li",
        "full_name": "王丽",
        "phone": "13800000000",
        "password1": STRONG,
        "password2": STRONG,
    }
    return client.post(reverse("orgs:user_create"), {**data, **fields})


def test_an_admin_creates_a_township_officer_with_the_township_in_one_form(
    client_for, admin_user, township_a_region
):
    """Fails on the old code: there was no such page (only /admin/ with a raw id)."""
    response = new_user(client_for(admin_user), role="township", region=township_a_region.pk)
    assert response.status_code == 302
    user = User.objects.get(username="wang.li")
    assert (user.role, user.region, user.full_name, user.is_staff) == (
        "township",
        township_a_region,
        "王丽",
        False,
    )
    assert user.check_password(STRONG)
    assert signs_in("wang.li", STRONG)


def test_the_form_picks_organisations_by_type_ahead_not_by_raw_id(client_for, admin_user):
    page = client_for(admin_user).get(reverse("orgs:user_create")).content.decode()
    for picker in ("orgs:pick_region", "orgs:pick_department", "orgs:pick_company"):
        assert f'data-picker-url="{reverse(picker)}"' in page
    assert '<select name="region"' not in page


def test_a_department_user_gets_the_departments_region(
    client_for, admin_user, housing_bureau, township_a_region
):
    client = client_for(admin_user)
    new_user(client, role="department", department=housing_bureau.pk, region=township_a_region.pk)
    user = User.objects.get(username="wang.li")
    assert (user.department, user.region, user.company) == (housing_bureau, housing_bureau.region, None)


def test_an_admin_account_may_use_the_admin_site(client_for, admin_user):
    new_user(client_for(admin_user), role="admin")
    assert User.objects.get(username="wang.li").is_staff


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"role": "company"}, "请选择该角色所属的单位"),
        ({"role": "township", "region": "@county"}, "镇街账号请选择一个乡镇/街道"),
        ({"role": "township", "region": "@town", "password2": "different!9Q"}, "输入的两个密码不一致"),
        ({"role": "township", "region": "@town", "password1": "123", "password2": "123"}, "密码"),
    ],
)
def test_a_refused_user_form_comes_back_with_what_was_typed(
    client_for, admin_user, county, township_a_region, fields, message
):
    ids = {"@county": county.pk, "@town": township_a_region.pk}
    fields = {k: ids.get(v, v) for k, v in fields.items()}
    response = new_user(client_for(admin_user), **fields)
    page = response.content.decode()
    assert response.status_code == 400 and message in page and 'value="王丽"' in page
    assert not User.objects.filter(username="wang.li").exists()


def test_the_pickers_find_regions_and_departments_by_name(
    client_for, admin_user, township_a_region, housing_bureau
):
    client = client_for(admin_user)
    regions = client.get(reverse("orgs:pick_region"), {"q": township_a_region.name[:2]}).content.decode()
    assert f"{township_a_region.name}（乡镇/街道）" in regions
    departments = client.get(reverse("orgs:pick_department"), {"q": housing_bureau.name[:2]}).content.decode()
    assert housing_bureau.name in departments


def test_an_admin_resets_a_password_and_deactivates_an_account(client_for, admin_user, township_a):
    client = client_for(admin_user)
    url = reverse("orgs:user_detail", args=[township_a.pk])
    assert client.post(url, {"password1": STRONG, "password2": STRONG}).status_code == 302
    township_a.refresh_from_db()
    assert township_a.check_password(STRONG)
    client.post(reverse("orgs:user_active", args=[township_a.pk]), {"active": "0"})
    township_a.refresh_from_db()
    assert not township_a.is_active and not signs_in(township_a.username, STRONG)
    client.post(reverse("orgs:user_active", args=[township_a.pk]), {"active": "1"})
    township_a.refresh_from_db()
    assert township_a.is_active


def test_an_admin_cannot_deactivate_themself(client_for, admin_user):
    client_for(admin_user).post(reverse("orgs:user_active", args=[admin_user.pk]), {"active": "0"})
    admin_user.refresh_from_db()
    assert admin_user.is_active


def test_the_user_list_finds_by_organisation(client_for, admin_user, township_a, company_x):
    page = client_for(admin_user).get(reverse("orgs:user_list"), {"q": company_x.company.name})
    assert [u.username for u in page.context["page"]] == [company_x.username]


@pytest.mark.parametrize("user_fixture", ["task_force", "township_a", "department", "company_x"])
def test_only_administrators_manage_users(request, client_for, township_b, user_fixture):
    client = client_for(request.getfixturevalue(user_fixture))
    for url in (
        reverse("orgs:user_list"),
        reverse("orgs:user_create"),
        reverse("orgs:user_detail", args=[township_b.pk]),
    ):
        assert client.get(url).status_code == 404
    client.post(reverse("orgs:user_detail", args=[township_b.pk]), {"password1": STRONG, "password2": STRONG})
    client.post(reverse("orgs:user_active", args=[township_b.pk]), {"active": "0"})
    new_user(client, role="admin")
    township_b.refresh_from_db()
    assert township_b.is_active and not township_b.check_password(STRONG)
    assert not User.objects.filter(username="wang.li").exists()


def test_the_admins_menu_links_users_imports_and_the_admin_site(client_for, admin_user, township_a):
    page = client_for(admin_user).get("/").content.decode()
    for url in ("/orgs/users/", "/orgs/import/", "/complaints/import/", "/admin/"):
        assert f'href="{url}"' in page
    officer = client_for(township_a).get("/").content.decode()
    assert 'href="/admin/"' not in officer and 'href="/orgs/users/"' not in officer
