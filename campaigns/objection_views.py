"""异议 pages: the company files an objection from its phone; the task force upholds or rejects it.

Actions and objections are read through visible_to; who may do what is decided in objections.py.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from . import objections
from .action_forms import ObjectionDecisionForm, ObjectionForm
from .models import Action, Objection, ObjectionFile


@login_required
def objection_new(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_object_or_404(Action.objects.visible_to(request.user).select_related("campaign"), pk=pk)
    form = ObjectionForm(request.POST or None, request.FILES or None)
    refusal = objections.refusal(request.user, action)
    if request.method == "POST" and not refusal and form.is_valid():
        try:
            objections.file_objection(
                action, request.user, form.cleaned_data["reasons"], form.cleaned_data["files"]
            )
        except objections.ObjectionError as exc:
            form.add_error(None, str(exc))  # the typed reasons come back with the message
        else:
            messages.success(request, "异议已提交，专班处理后会通知您。")
            return redirect("actions:detail", pk=pk)
    context = {"action": action, "form": form, "refusal": refusal, "deadline": objections.deadline(action)}
    return render(request, "campaigns/objection_form.html", context, status=403 if refusal else 200)


@login_required
@require_POST
def objection_decide(request: HttpRequest, pk: int) -> HttpResponse:
    objection = get_object_or_404(Objection.objects.visible_to(request.user).select_related("action"), pk=pk)
    form = ObjectionDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择处理结果并写明处理意见。")
        return redirect("actions:detail", pk=objection.action_id)
    move = objections.uphold if form.cleaned_data["outcome"] == "uphold" else objections.reject
    try:
        move(objection, request.user, form.cleaned_data["decision"])
    except objections.ObjectionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"异议已处理：{objection.get_status_display()}")
    return redirect("actions:detail", pk=objection.action_id)


@login_required
def objection_file(request: HttpRequest, pk: int) -> FileResponse:
    """The only way to a stored file: scoped through the objection, with the type we wrote."""
    visible = Objection.objects.visible_to(request.user)
    stored = get_object_or_404(ObjectionFile.objects.filter(objection__in=visible), pk=pk)
    ext = stored.file.name.rsplit(".", 1)[-1]
    response = FileResponse(
        stored.file.open("rb"),
        content_type=stored.content_type,
        as_attachment=not stored.is_image,
        filename=f"异议材料-{stored.objection_id}-{stored.pk}.{ext}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
