from django.urls import path

from . import ranking_views, views

app_name = "complaints"
urlpatterns = [
    path("", views.complaint_list, name="list"),
    path("<int:pk>/", views.complaint_detail, name="detail"),
    path("<int:pk>/ledger/", views.complaint_to_ledger, name="to_ledger"),
    path("import/", views.import_page, name="import"),
    path("import/<int:pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("import/<int:pk>/report/", views.batch_report, name="batch_report"),
    path("review/", views.review_queue, name="review"),
    path("review/<int:pk>/", views.review_resolve, name="resolve"),
    path("ranking/", ranking_views.ranking, name="ranking"),
    path("ranking/print/", ranking_views.ranking_print, name="ranking_print"),
    path("ranking/export/", ranking_views.ranking_export, name="ranking_export"),
    path("ranking/compute/", ranking_views.compute, name="compute"),
    path("ranking/recompute/", ranking_views.recompute_preview, name="recompute"),
    path("townships/", ranking_views.township_page, name="township"),
]
