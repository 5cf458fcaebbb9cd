from django.urls import path

from . import action_views, views

app_name = "scoring"
urlpatterns = [
    path("", views.quarter_list, name="quarter_list"),
    path("compute/", views.compute, name="compute"),
    path("import/", views.import_scores, name="import"),
    path("inspections/new/", views.inspection_new, name="inspection_new"),
    path("evaluations/new/", views.evaluation_new, name="evaluation_new"),
    path("months/publish/", views.publish_month_view, name="publish_month"),
    path("actions/", action_views.action_list, name="action_list"),
    path("actions/export/", action_views.action_export, name="action_export"),
    path("actions/<int:pk>/", action_views.action_detail, name="action_detail"),
    path("actions/<int:pk>/confirm/", action_views.action_confirm, name="action_confirm"),
    path("actions/<int:pk>/waive/", action_views.action_waive, name="action_waive"),
    path("actions/<int:pk>/complete/", action_views.action_complete, name="action_complete"),
    path("<slug:slug>/<str:quarter>/", views.quarter_detail, name="quarter_detail"),
    path("<slug:slug>/<str:quarter>/export/", views.quarter_export, name="quarter_export"),
    path("<slug:slug>/<str:quarter>/publish/", views.publish, name="publish"),
]
