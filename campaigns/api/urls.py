from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("campaigns", views.CampaignViewSet, basename="campaign")
router.register("campaign-categories", views.CategoryViewSet, basename="campaign-category")
router.register("self-checks", views.SelfCheckViewSet, basename="self-check")
router.register("actions", views.ActionViewSet, basename="action")

urlpatterns = router.urls
