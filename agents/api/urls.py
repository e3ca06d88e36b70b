from rest_framework.routers import SimpleRouter

from agents.api.approvals import ApprovalViewSet
from agents.api.webhooks import WebhookViewSet

router = SimpleRouter()
router.register("approvals", ApprovalViewSet, basename="approval")
router.register("webhooks", WebhookViewSet, basename="webhook")

urlpatterns = router.urls
