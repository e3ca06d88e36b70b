from rest_framework.routers import SimpleRouter

from crm.api.views import CallViewSet, CustomerViewSet, DoNotCallViewSet, OrganizationViewSet, WrapUpCodeViewSet

router = SimpleRouter()
router.register("customers", CustomerViewSet, basename="customer")
router.register("calls", CallViewSet, basename="call")
router.register("wrap-up-codes", WrapUpCodeViewSet, basename="wrap-up-code")
router.register("dnc", DoNotCallViewSet, basename="dnc")
router.register("organizations", OrganizationViewSet, basename="organization")

urlpatterns = router.urls
