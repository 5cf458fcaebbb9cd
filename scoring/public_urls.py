from django.urls import path

from . import public

app_name = "public"
urlpatterns = [
    path("", public.index, name="index"),
    path("quarters/<slug:slug>/<str:period>/", public.quarter, name="quarter"),
    path("months/<slug:slug>/<str:period>/", public.month, name="month"),
    path("p/<str:token>/", public.project, name="project"),
]
