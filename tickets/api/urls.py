from rest_framework.routers import SimpleRouter

from tickets.api.views import FollowUpViewSet, TicketViewSet

router = SimpleRouter()
router.register("tickets", TicketViewSet, basename="ticket")
router.register("follow-ups", FollowUpViewSet, basename="follow-up")

urlpatterns = router.urls
