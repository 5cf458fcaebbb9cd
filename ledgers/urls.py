from django.urls import path

from . import bulletin_views, order_views, report_views, views

app_name = "ledgers"
urlpatterns = [
    path("", views.item_list, name="item_list"),
    path("new/", views.item_create, name="item_create"),
    path("bulk/", views.item_bulk, name="item_bulk"),
    path("project-search/", views.project_search, name="project_search"),
    path("<int:pk>/", views.item_detail, name="item_detail"),
    path("<int:pk>/edit/", views.item_edit, name="item_edit"),
    path("<int:pk>/move/<str:move>/", views.item_move, name="item_move"),
    path("<int:pk>/evidence/", views.evidence_upload, name="evidence_upload"),
    path("evidence/<int:pk>/", views.evidence_file, name="evidence_file"),
    path("orders/", order_views.order_list, name="order_list"),
    path("orders/new/", order_views.order_create, name="order_create"),
    path("orders/<int:pk>/", order_views.order_detail, name="order_detail"),
    path("orders/<int:pk>/print/", order_views.order_print, name="order_print"),
    path("orders/lines/<int:pk>/answer/", order_views.order_answer, name="order_answer"),
    path("orders/lines/<int:pk>/decide/", order_views.order_decide, name="order_decide"),
    path("bulletins/", bulletin_views.bulletin_list, name="bulletin_list"),
    path("bulletins/open/", bulletin_views.bulletin_open, name="bulletin_open"),
    path("bulletins/<int:pk>/", bulletin_views.bulletin_detail, name="bulletin_detail"),
    path("bulletins/<int:pk>/edit/", bulletin_views.bulletin_edit, name="bulletin_edit"),
    path("bulletins/<int:pk>/publish/", bulletin_views.bulletin_publish, name="bulletin_publish"),
    path("bulletins/<int:pk>/print/", bulletin_views.bulletin_print, name="bulletin_print"),
    path("bulletins/<int:pk>/xlsx/", bulletin_views.bulletin_xlsx, name="bulletin_xlsx"),
    path("reports/", report_views.report_list, name="report_list"),
    path("reports/submit/", report_views.report_submit, name="report_submit"),
    path("reports/<int:pk>/", report_views.report_detail, name="report_detail"),
    path("reports/<int:pk>/return/", report_views.report_return, name="report_return"),
    path("reports/<int:pk>/xlsx/", report_views.report_xlsx, name="report_xlsx"),
    path("reports/indicators/", report_views.report_template, name="report_template"),
    path("cases/public/", report_views.public_cases, name="public_cases"),
    path("cases/new/", report_views.case_create, name="case_create"),
    path("cases/<int:pk>/publish/", report_views.case_publish, name="case_publish"),
    path("cases/<int:pk>/photo/", report_views.case_photo, name="case_photo"),
]
