from rest_framework.routers import SimpleRouter

from quality.api.views import SurveyResponseViewSet, SurveyViewSet

router = SimpleRouter()
# "surveys/responses" before "surveys": the survey detail route would otherwise read "responses" as an id.
router.register("surveys/responses", SurveyResponseViewSet, basename="survey-response")
router.register("surveys", SurveyViewSet, basename="survey")

urlpatterns = router.urls
