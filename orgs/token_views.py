"""The user's own API token: a page under the account menu and the same in the API (orgs/api_tokens.py)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from config.security import security_log

from . import api_tokens

TOKEN_SHAPE = inline_serializer(
    "ApiToken",
    {
        "exists": serializers.BooleanField(),
        "prefix": serializers.CharField(help_text="密钥的前 8 位，完整密钥只在生成时显示一次"),
        "created": serializers.DateTimeField(allow_null=True),
    },
)


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    """The page: whether a token exists, its first characters and when it was made; the new key once."""
    context = {
        "token": api_tokens.shown(api_tokens.token_of(request.user)),
        "new_key": request.session.pop("new_api_token", ""),
    }
    return render(request, "orgs/api_tokens.html", context)


@login_required
@require_POST
def token_issue(request: HttpRequest) -> HttpResponse:
    token = api_tokens.issue(request.user)
    security_log("api_token_issued", request, prefix=token.key[: api_tokens.PREFIX])
    request.session["new_api_token"] = token.key  # shown by the next page once, never again
    return redirect("orgs:api_tokens")


@login_required
@require_POST
def token_revoke(request: HttpRequest) -> HttpResponse:
    if api_tokens.revoke(request.user):
        security_log("api_token_revoked", request)
        messages.success(request, "API 令牌已撤销，使用它的程序将无法再访问。")
    return redirect("orgs:api_tokens")


@extend_schema(methods=["GET"], responses=TOKEN_SHAPE, summary="我的 API 令牌（只显示前 8 位）")
@extend_schema(
    methods=["DELETE"],
    responses={204: OpenApiResponse(description="已撤销")},
    summary="撤销我的 API 令牌（修改密码时也会自动撤销）",
)
@api_view(["GET", "DELETE"])
def my_token(request: Request) -> Response:
    if request.method == "DELETE":
        if api_tokens.revoke(request.user):
            security_log("api_token_revoked", request)
        return Response(status=status.HTTP_204_NO_CONTENT)
    return Response(api_tokens.shown(api_tokens.token_of(request.user)))
