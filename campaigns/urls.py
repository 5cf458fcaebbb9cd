from django.urls import path

from . import excel_views, inspection_views, plan_views, selfcheck_views, views

app_name = "campaigns"
urlpatterns = [
    path("", views.campaign_list, name="campaign_list"),
    path("presets/", views.preset_list, name="preset_list"),
    path("presets/<slug:slug>/source/", views.preset_source_page, name="preset_source"),
    path("inspections/", inspection_views.inspection_list, name="inspection_list"),
    path("inspections/new/<slug:slug>/", inspection_views.draw_new, name="draw_new"),
    path("inspections/<int:pk>/", inspection_views.draw_detail, name="draw_detail"),
    path("inspections/<int:pk>/publish/", inspection_views.draw_publish, name="draw_publish"),
    path("inspections/<int:pk>/visit/<int:project_id>/", inspection_views.visit_new, name="visit_new"),
    path("inspections/visits/<int:pk>/", inspection_views.visit_detail, name="visit_detail"),
    path("inspections/public/", inspection_views.public_list, name="inspection_public_list"),
    path("inspections/public/<int:pk>/", inspection_views.public_detail, name="inspection_public_detail"),
    path("<slug:slug>/", views.campaign_detail, name="campaign_detail"),
    path("<slug:slug>/settings/", views.campaign_settings, name="campaign_settings"),
    path("<slug:slug>/plan/", plan_views.campaign_plan, name="campaign_plan"),
    path("<slug:slug>/ledger/export/", excel_views.ledger_export, name="ledger_export"),
    path("<slug:slug>/ledger/import/", excel_views.ledger_import, name="ledger_import"),
    path(
        "<slug:slug>/ledger/import/<int:pk>/",
        excel_views.ledger_import_preview,
        name="ledger_import_preview",
    ),
    path("<slug:slug>/self-checks/", selfcheck_views.selfcheck_list, name="selfcheck_list"),
    path("<slug:slug>/self-checks/new/", selfcheck_views.selfcheck_fill, name="selfcheck_fill"),
    path("<slug:slug>/self-checks/<int:pk>/", selfcheck_views.selfcheck_detail, name="selfcheck_detail"),
]
