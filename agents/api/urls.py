from rest_framework.routers import SimpleRouter

from agents.api.approvals import ApprovalViewSet

router = SimpleRouter()
router.register("approvals", ApprovalViewSet, basename="approval")

urlpatterns = router.urls
