from rest_framework.routers import SimpleRouter

from crm.api.views import CallViewSet, CustomerViewSet

router = SimpleRouter()
router.register("customers", CustomerViewSet, basename="customer")
router.register("calls", CallViewSet, basename="call")

urlpatterns = router.urls
