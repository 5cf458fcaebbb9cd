"""/r/…: the residents' channel. Public pages by project token; staff pages under /r/manage/."""

from django.urls import path

from . import resident_views as views

app_name = "residents"
urlpatterns = [
    path("status/", views.status, name="status"),
    path("manage/posters/", views.posters, name="posters"),
    path("manage/posters/<int:pk>/", views.poster, name="poster"),
    path("manage/posters/<int:pk>/qr.svg", views.poster_qr, name="poster_qr"),
    path("manage/<int:pk>/photo/", views.photo, name="photo"),
    path("manage/<int:pk>/reply/", views.reply, name="reply"),
    path("<str:token>/", views.report, name="report"),
    path("<str:token>/done/", views.done, name="done"),
]
