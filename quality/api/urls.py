from rest_framework.routers import SimpleRouter

from quality.api.views import ReviewViewSet, ScorecardViewSet, SurveyResponseViewSet, SurveyViewSet

router = SimpleRouter()
# "surveys/responses" before "surveys": the survey detail route would otherwise read "responses" as an id.
router.register("surveys/responses", SurveyResponseViewSet, basename="survey-response")
router.register("surveys", SurveyViewSet, basename="survey")
router.register("qa/scorecards", ScorecardViewSet, basename="qa-scorecard")
router.register("qa/reviews", ReviewViewSet, basename="qa-review")

urlpatterns = router.urls
