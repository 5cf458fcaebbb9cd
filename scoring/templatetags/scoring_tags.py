"""Panels that put scoring history on the project and company pages of orgs/, scoped to the viewer."""

from django import template

from campaigns.models import Action

from ..models import CompanyAssessment, CompanyBlacklist, CreditRating, ListEntry, ProjectScore

register = template.Library()
HISTORY = 12


@register.inclusion_tag("scoring/_project_panel.html", takes_context=True)
def project_scoring(context, project) -> dict:
    user = context["request"].user
    scores = list(
        ProjectScore.objects.visible_to(user)
        .filter(project=project)
        .select_related("run__campaign")
        .order_by("-run__quarter")[:HISTORY]
    )
    entries = {
        e.run_id: e
        for e in ListEntry.objects.visible_to(user).filter(
            project=project, run__in=[s.run_id for s in scores]
        )
    }
    rating = None
    if project.company_id:
        rating = (
            CreditRating.objects.visible_to(user)
            .filter(company_id=project.company_id)
            .select_related("run")
            .order_by("-run__quarter")
            .first()
        )
    actions = Action.objects.visible_to(user).filter(project=project).order_by("-period", "kind")[:HISTORY]
    return {
        "project": project,
        "scores": [(s, entries.get(s.run_id)) for s in scores],
        "rating": rating,
        "actions": actions,
    }


@register.inclusion_tag("scoring/_company_panel.html", takes_context=True)
def company_scoring(context, company) -> dict:
    user = context["request"].user
    ratings = (
        CreditRating.objects.visible_to(user)
        .filter(company=company)
        .select_related("run__campaign")
        .order_by("-run__quarter")[:HISTORY]
    )
    return {
        "ratings": ratings,
        "blacklisted": set(
            CompanyBlacklist.objects.visible_to(user).filter(company=company).values_list("run_id", flat=True)
        ),
        "assessments": CompanyAssessment.objects.visible_to(user)
        .filter(company=company)
        .order_by("-half")[:4],
        "entries": ListEntry.objects.visible_to(user)
        .filter(company=company)
        .select_related("run", "project")
        .order_by("-run__quarter", "list")[:HISTORY],
        "actions": Action.objects.visible_to(user)
        .filter(company=company)
        .order_by("-period", "kind")[:HISTORY],
    }
