from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("lists", views.ListEntryViewSet, basename="list-entry")
router.register("credit-ratings", views.CreditRatingViewSet, basename="credit-rating")

urlpatterns = router.urls
