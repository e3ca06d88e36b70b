from rest_framework.routers import SimpleRouter

from tickets.api.views import CategoryViewSet, FollowUpViewSet, TicketViewSet

router = SimpleRouter()
router.register("tickets", TicketViewSet, basename="ticket")
router.register("follow-ups", FollowUpViewSet, basename="follow-up")
router.register("categories", CategoryViewSet, basename="category")

urlpatterns = router.urls
