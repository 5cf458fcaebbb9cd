"""The action register's pages, at their old /scoring/actions/ paths so notices already sent still open."""

from django.urls import path

from . import action_views, objection_views

app_name = "actions"
urlpatterns = [
    path("", action_views.action_list, name="list"),
    path("export/", action_views.action_export, name="export"),
    path("bulk/", action_views.action_bulk, name="bulk"),
    path("<int:pk>/", action_views.action_detail, name="detail"),
    path("<int:pk>/sources/", action_views.action_sources_page, name="sources"),
    path("<int:pk>/notice/", action_views.action_notice, name="notice"),
    path("<int:pk>/object/", objection_views.objection_new, name="object"),
    path("objections/<int:pk>/decide/", objection_views.objection_decide, name="objection_decide"),
    path("objections/files/<int:pk>/", objection_views.objection_file, name="objection_file"),
    path("<int:pk>/confirm/", action_views.action_confirm, name="confirm"),
    path("<int:pk>/waive/", action_views.action_waive, name="waive"),
    path("<int:pk>/complete/", action_views.action_complete, name="complete"),
]
