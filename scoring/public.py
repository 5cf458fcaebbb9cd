"""Public pages (no login): only what the task force published, and only the published columns.

Nothing here reads an unpublished run, a resident's details or a phone number; a
project is reached by its unguessable public token (the QR code), never by id.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from orgs.models import Project

from .models import CompanyBlacklist, CreditRating, ListEntry, Publication
from .periods import Quarter


def index(request: HttpRequest) -> HttpResponse:
    publications = Publication.objects.select_related("campaign").order_by("-period", "kind")
    return render(request, "scoring/public/index.html", {"publications": publications})


def quarter(request: HttpRequest, slug: str, period: str) -> HttpResponse:
    publication = get_object_or_404(
        Publication.objects.select_related("campaign", "run"),
        campaign__slug=slug,
        kind=Publication.Kind.QUARTER,
        period=period,
    )
    run = publication.run
    entries = ListEntry.objects.filter(run=run).select_related("project__township", "company")
    context = {
        "publication": publication,
        "quarter_label": Quarter.parse(period).label,
        "red": [e for e in entries if e.list == ListEntry.List.RED],
        "black": [e for e in entries if e.list == ListEntry.List.BLACK],
        "ratings": CreditRating.objects.filter(run=run).select_related("company").order_by("company__name"),
        "blacklist": CompanyBlacklist.objects.filter(run=run).select_related("company"),
    }
    return render(request, "scoring/public/quarter.html", context)


def month(request: HttpRequest, slug: str, period: str) -> HttpResponse:
    from complaints.models import MonthlyRanking

    publication = get_object_or_404(
        Publication.objects.select_related("campaign"),
        campaign__slug=slug,
        kind=Publication.Kind.MONTH,
        period=period,
    )
    rankings = (
        MonthlyRanking.objects.filter(campaign=publication.campaign, month=period, in_top=True)
        .select_related("project", "township", "company")
        .order_by("rank", "project__name")
    )
    return render(request, "scoring/public/month.html", {"publication": publication, "rankings": rankings})


def project(request: HttpRequest, token: str) -> HttpResponse:
    project = get_object_or_404(Project.objects.select_related("township", "company"), public_token=token)
    published_runs = Publication.objects.filter(kind=Publication.Kind.QUARTER).values("run_id")
    rating = CreditRating.objects.latest_published(project.company)
    entries = (
        ListEntry.objects.filter(run__in=published_runs, project=project)
        .select_related("run")
        .order_by("-run__quarter")
    )
    context = {
        "project": project,
        "rating": rating,
        "rating_quarter": Quarter.parse(rating.run.quarter).label if rating else "",
        "entries": [(Quarter.parse(e.run.quarter).label, e) for e in entries],
    }
    return render(request, "scoring/public/project.html", context)
