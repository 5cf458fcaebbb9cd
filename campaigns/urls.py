from django.urls import path

from . import excel_views, selfcheck_views, views

app_name = "campaigns"
urlpatterns = [
    path("", views.campaign_list, name="campaign_list"),
    path("presets/", views.preset_list, name="preset_list"),
    path("<slug:slug>/", views.campaign_detail, name="campaign_detail"),
    path("<slug:slug>/settings/", views.campaign_settings, name="campaign_settings"),
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
