from django.urls import path
from rest_framework.routers import DefaultRouter

from .. import token_views
from . import views

router = DefaultRouter()
router.register("regions", views.RegionViewSet, basename="region")
router.register("departments", views.DepartmentViewSet, basename="department")
router.register("companies", views.CompanyViewSet, basename="company")
router.register("managers", views.ManagerViewSet, basename="manager")
router.register("projects", views.ProjectViewSet, basename="project")

urlpatterns = [
    path("users/me/", views.me, name="users-me"),
    path("users/me/token/", token_views.my_token, name="users-me-token"),
    *router.urls,
]
