"""The admin's day with people: list and find users, create one with role and organisation,
reset a password, deactivate or reactivate. Only administrators; a user is never deleted
(their name stays on every record they signed), only deactivated."""

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from config.security import security_log

from .models import User
from .user_forms import PasswordResetForm, UserCreateForm

PAGE_SIZE = 30


def _admin_only(request: HttpRequest) -> None:
    """404 like every page outside a role's scope: the page's existence is no one else's business."""
    if not request.user.is_admin:
        raise Http404


@login_required
def user_list(request: HttpRequest) -> HttpResponse:
    _admin_only(request)
    q = request.GET.get("q", "").strip()[:50]
    users = User.objects.select_related("region", "department", "company").order_by("-is_active", "username")
    if q:
        users = users.filter(
            Q(username__icontains=q) | Q(full_name__icontains=q) | Q(phone__icontains=q)
            | Q(region__name__icontains=q) | Q(department__name__icontains=q) | Q(company__name__icontains=q)
        )  # fmt: skip
    page = Paginator(users, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "orgs/user_list.html", {"page": page, "q": q})


@login_required
def user_create(request: HttpRequest) -> HttpResponse:
    _admin_only(request)
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        security_log("user_created", request, logging.INFO, target=user.pk, role=user.role)
        messages.success(request, f"已创建账号 {user.username}（{user.get_role_display()}）。")
        return redirect("orgs:user_detail", user.pk)
    return render(request, "orgs/user_create.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _admin_only(request)
    person = get_object_or_404(User.objects.select_related("region", "department", "company"), pk=pk)
    form = PasswordResetForm(person, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        security_log("password_reset_by_admin", request, logging.INFO, target=person.pk)
        messages.success(request, f"已重设 {person.username} 的密码，请当面或电话告知本人。")
        return redirect("orgs:user_detail", person.pk)
    status = 400 if form.errors else 200
    return render(request, "orgs/user_detail.html", {"person": person, "form": form}, status=status)


@login_required
@require_POST
def user_active(request: HttpRequest, pk: int) -> HttpResponse:
    """停用 / 启用: a deactivated account cannot sign in; its records keep its name."""
    _admin_only(request)
    person = get_object_or_404(User.objects, pk=pk)
    if person == request.user:
        messages.error(request, "不能停用自己的账号。")
        return redirect("orgs:user_detail", person.pk)
    person.is_active = request.POST.get("active") == "1"
    person.save(update_fields=["is_active"])
    event = "user_activated" if person.is_active else "user_deactivated"
    security_log(event, request, logging.INFO, target=person.pk)
    messages.success(request, f"已{'启用' if person.is_active else '停用'}账号 {person.username}。")
    return redirect("orgs:user_detail", person.pk)
