from rest_framework.routers import SimpleRouter

from reports.api.views import MetricsViewSet

router = SimpleRouter()
router.register("metrics", MetricsViewSet, basename="metrics")

urlpatterns = router.urls
