"""收件箱: the user's own notifications, marked read one by one (htmx) or all at once."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .filters import InboxFilter
from .models import Notification
from .notifications import mark_read, unread_count

PAGE_SIZE = 30


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    filterset = InboxFilter(
        request.GET, queryset=Notification.objects.visible_to(request.user), request=request
    )
    show_all = request.GET.get("show") == "all"
    notes = filterset.qs if show_all else filterset.qs.unread()
    page = Paginator(notes, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "filter": filterset, "show_all": show_all, "unread": unread_count(request.user)}
    return render(request, "orgs/inbox.html", context)


@login_required
@require_POST
def inbox_read(request: HttpRequest, pk: int) -> HttpResponse:
    note = get_object_or_404(Notification.objects.visible_to(request.user), pk=pk)
    mark_read(request.user, [note.pk])
    if not request.htmx:
        return redirect("orgs:inbox")
    note.read_at = note.read_at or timezone.now()
    context = {"note": note, "unread": unread_count(request.user), "oob": True}
    return render(request, "orgs/_notification.html", context)


@login_required
@require_POST
def inbox_read_all(request: HttpRequest) -> HttpResponse:
    mark_read(request.user)
    return redirect("orgs:inbox")


@login_required
def inbox_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow a notification's link and mark it read; only links inside this site are followed."""
    note = get_object_or_404(Notification.objects.visible_to(request.user), pk=pk)
    mark_read(request.user, [note.pk])
    if note.url and url_has_allowed_host_and_scheme(note.url, allowed_hosts={request.get_host()}):
        return HttpResponseRedirect(note.url)
    return redirect("orgs:inbox")
