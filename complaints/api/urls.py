from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("complaints", views.ComplaintViewSet, basename="complaint")
router.register("rankings", views.RankingViewSet, basename="ranking")

urlpatterns = router.urls
