"""Explicit hooks: a manager change on a project completes its confirmed 更换项目经理 actions."""

from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from orgs.models import Project, ProjectAssignment

from .services import complete_manager_replacements


@receiver(pre_save, sender=Project, dispatch_uid="scoring_project_manager_before")
def remember_manager(sender, instance: Project, **kwargs) -> None:
    if instance.pk:
        instance._manager_before = (
            Project.objects.filter(pk=instance.pk).values_list("manager_id", flat=True).first()
        )


@receiver(post_save, sender=Project, dispatch_uid="scoring_project_manager_after")
def manager_changed(sender, instance: Project, created: bool, **kwargs) -> None:
    before = getattr(instance, "_manager_before", None)
    if not created and instance.manager_id and instance.manager_id != before:
        complete_manager_replacements(instance, instance.manager)


@receiver(post_save, sender=ProjectAssignment, dispatch_uid="scoring_assignment_manager")
def assignment_started(sender, instance: ProjectAssignment, created: bool, **kwargs) -> None:
    if created and instance.manager_id and instance.end is None:
        complete_manager_replacements(instance.project, instance.manager)
