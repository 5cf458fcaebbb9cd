from django.urls import path

from . import views

app_name = "scoring"
urlpatterns = [
    path("", views.quarter_list, name="quarter_list"),
    path("compute/", views.compute, name="compute"),
    path("import/", views.import_scores, name="import"),
    path("inspections/new/", views.inspection_new, name="inspection_new"),
    path("evaluations/new/", views.evaluation_new, name="evaluation_new"),
    path("months/publish/", views.publish_month_view, name="publish_month"),
    path("<slug:slug>/<str:quarter>/", views.quarter_detail, name="quarter_detail"),
    path("<slug:slug>/<str:quarter>/export/", views.quarter_export, name="quarter_export"),
    path("<slug:slug>/<str:quarter>/publish/", views.publish, name="publish"),
    path("<slug:slug>/<str:quarter>/recompute/", views.recompute_preview, name="recompute"),
]
