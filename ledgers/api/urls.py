from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("ledger-items", views.LedgerItemViewSet, basename="ledger-item")
router.register("ledger-events", views.LedgerEventViewSet, basename="ledger-event")
router.register("ledger-evidence", views.EvidenceViewSet, basename="ledger-evidence")
router.register("rectification-orders", views.RectificationOrderViewSet, basename="rectification-order")
router.register("order-lines", views.OrderResponseViewSet, basename="order-line")

urlpatterns = router.urls
