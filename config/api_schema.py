"""The OpenAPI schema tells the truth about errors too (issue 18, item 5).

drf-spectacular documents only the success of each operation; a client (and schemathesis) then meets
400, 403, 404, 409 and 412 answers the schema says cannot happen. Every operation gets the error
statuses it can really give, each with the body DRF sends: {"detail": "…"} or, for a 400, the
fields with their messages. No API view is throttled, so 429 is not among them (the 429s of the
residents' pages and the login form are pages, not API).
"""

from drf_spectacular.openapi import AutoSchema

ERROR_BODY = {
    "type": "object",
    "description": '{"detail": "中文说明"}；400 时为 {"字段": ["中文说明", …]}',
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": True,
}
DESCRIPTIONS = {
    "400": "输入有误（字段、筛选条件或页码），逐项说明原因",
    "401": "未登录或令牌无效",
    "403": "您的角色不能进行此操作",
    "404": "不存在，或不在您的范围内",
    "409": "该记录已被他人修改（version 已过期），请刷新后重试",
    "412": "If-Match 中的 ETag 已过期，请重新读取后再提交",
}
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class ErrorDocumentingSchema(AutoSchema):
    def _error_codes(self) -> list[str]:
        codes = ["401", "403", "404"]
        if self.method in WRITE_METHODS or (self.method == "GET" and self._is_list_view()):
            codes.append("400")  # a bad field, or on a list a bad filter value or page number
        if self.method in WRITE_METHODS:
            codes += ["409", "412"]
        return codes

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code in self._error_codes():
            responses.setdefault(
                code,
                {"description": DESCRIPTIONS[code], "content": {"application/json": {"schema": ERROR_BODY}}},
            )
        if self.method == "GET" and not self._is_list_view():
            responses.setdefault("304", {"description": "If-None-Match 中的 ETag 仍然有效，内容未变"})
        return responses
