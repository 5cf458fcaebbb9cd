"""Home-page panel: the consequences waiting on this person (the task force decides; others carry them out)."""

from django.db.models import Count, Q
from django.http import HttpRequest

from campaigns.models import Action

LIST_LENGTH = 8


def actions_panel(request: HttpRequest) -> dict | None:
    actions = Action.objects.visible_to(request.user)
    counts = actions.aggregate(
        proposed=Count("id", filter=Q(status=Action.Status.PROPOSED)),
        confirmed=Count("id", filter=Q(status=Action.Status.CONFIRMED)),
    )
    if not (counts["proposed"] or counts["confirmed"]):
        return None
    user = request.user
    deciding = user.is_admin or user.role == user.Role.TASK_FORCE
    status = Action.Status.PROPOSED if deciding else Action.Status.CONFIRMED
    recent = actions.filter(status=status).order_by("-created_at")[:LIST_LENGTH]
    return {**counts, "deciding": deciding, "status": status, "recent": recent}
