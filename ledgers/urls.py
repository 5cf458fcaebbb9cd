from django.urls import path

from . import order_views, views

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
]
