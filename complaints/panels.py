"""The complaints panel on the home page: what waits for a person, and last month's ranking."""

from django.http import HttpRequest

from . import workflow
from .models import Complaint, MonthlyRanking, MonthlyRun
from .querysets import COUNT_CAP


def complaints_panel(request: HttpRequest) -> dict | None:
    """Reviewers see the queue; everyone sees their rows of the latest computed ranking."""
    user = request.user
    latest = MonthlyRun.objects.visible_to(user).order_by("-month").first()
    pending, more = None, False
    if workflow.can_review(user):
        pending, more = Complaint.objects.visible_to(user).pending().count_up_to(COUNT_CAP)
    if latest is None and not pending:
        return None
    rows = []
    if latest is not None:
        rows = list(
            MonthlyRanking.objects.visible_to(user)
            .filter(run=latest, in_top=True)
            .select_related("project")
            .order_by("rank", "project__name")[:5]
        )
    return {"pending": pending, "pending_capped": more, "run": latest, "rows": rows}
