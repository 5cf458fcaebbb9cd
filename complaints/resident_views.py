"""Pages of the residents' channel.

Public (no login): the report page reached by the project's unguessable token, the page that
shows the check code once, the status check. Staff (login, scoped): the gate poster with its
QR code, the photo of a report, the public reply.
"""

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from orgs.models import Project

from . import residents
from .models import ResidentReport
from .resident_forms import ReplyForm, ReportForm, StatusForm
from .workflow import ComplaintError

SESSION_CODE = "resident_check_code"


def _project_by_token(token: str) -> Project:
    return get_object_or_404(Project.objects.select_related("township", "company"), public_token=token)


def report(request: HttpRequest, token: str) -> HttpResponse:
    project = _project_by_token(token)
    form = ReportForm(request.POST or None, request.FILES or None)
    status, error = 200, ""
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["website"]:
            return render(request, "complaints/resident_refused.html", status=400)
        d = form.cleaned_data
        try:
            done = residents.submit(
                project, category=d["category"], description=d["description"], phone=d["phone"],
                ip=residents.client_ip(request), photo=d["photo"],
            )  # fmt: skip
        except residents.ResidentError as exc:
            status, error = exc.status, str(exc)
        else:
            request.session[SESSION_CODE] = residents.format_code(done.code)
            return redirect("residents:done", token=token)
    elif request.method == "POST":
        status = 400
    context = {"facts": residents.public_facts(project), "form": form, "error": error}
    return render(request, "complaints/resident_report.html", context, status=status)


@never_cache
def done(request: HttpRequest, token: str) -> HttpResponse:
    """The check code, shown once: a reload or a shared link shows it no more.

    Anonymous, so PrivateNoStoreMiddleware leaves it alone: without no-store a browser's back button
    or a shared proxy would show the code (a key to the report) to the next person.
    """
    project = _project_by_token(token)
    code = request.session.pop(SESSION_CODE, "")
    if not code:
        return redirect("residents:report", token=token)
    return render(request, "complaints/resident_done.html", {"project": project, "code": code})


@never_cache
def status(request: HttpRequest) -> HttpResponse:
    """Wrong code, wrong phone digits, unknown code: one and the same "未找到" answer."""
    form = StatusForm(request.POST or None)
    context: dict = {"form": form}
    if request.method == "POST" and form.is_valid():
        try:
            residents.check_lookup_limit(residents.client_ip(request))
        except residents.RateLimited as exc:
            return render(
                request, "complaints/resident_status.html", {**context, "error": str(exc)}, status=429
            )
        found = residents.find(form.cleaned_data["code"], form.cleaned_data["phone_tail"])
        context.update(searched=True, report=found, state=residents.status_of(found) if found else "")
    return render(request, "complaints/resident_status.html", context)


# --- Staff pages ----------------------------------------------------------------------------------------


@login_required
def posters(request: HttpRequest) -> HttpResponse:
    projects = Project.objects.visible_to(request.user).select_related("township", "company").order_by("name")
    q = request.GET.get("q", "").strip()
    if q:
        projects = projects.filter(name__icontains=q)
    page = Paginator(projects, 25).get_page(request.GET.get("page"))
    return render(request, "complaints/resident_posters.html", {"page": page, "q": q})


@login_required
def poster(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_object_or_404(Project.objects.visible_to(request.user).select_related("company"), pk=pk)
    url = request.build_absolute_uri(reverse("residents:report", args=[project.public_token]))
    return render(
        request, "complaints/resident_poster.html", {"facts": residents.public_facts(project), "url": url}
    )


@login_required
def poster_qr(request: HttpRequest, pk: int) -> HttpResponse:
    """The QR code of the report page, by the project's token (never its id)."""
    project = get_object_or_404(Project.objects.visible_to(request.user), pk=pk)
    url = request.build_absolute_uri(reverse("residents:report", args=[project.public_token]))
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=20)
    return HttpResponse(image.to_string(), content_type="image/svg+xml")


@login_required
def photo(request: HttpRequest, pk: int) -> FileResponse:
    """The only way to a resident's photo: through the complaint's scope, with the type we wrote."""
    found = get_object_or_404(ResidentReport.objects.visible_to(request.user), complaint_id=pk)
    if not found.photo:
        raise Http404("没有照片")
    ext = "png" if found.photo_type == "image/png" else "jpg"
    response = FileResponse(
        found.photo.open("rb"), content_type=found.photo_type, filename=f"随手拍-{pk}.{ext}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@require_POST
def reply(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(ResidentReport.objects.visible_to(request.user), complaint_id=pk)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写答复内容")
        return redirect("complaints:detail", pk=pk)
    try:
        residents.answer(found, request.user, form.cleaned_data["reply"], form.cleaned_data["close"])
    except ComplaintError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "已保存答复，居民可凭查询码查看")
    return redirect("complaints:detail", pk=pk)
