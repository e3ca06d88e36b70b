from django.urls import path

from quality.views import reviews, surveys

app_name = "quality"

urlpatterns = [
    path("survey/<str:token>/", surveys.survey_page, name="survey"),
    path("qa/", reviews.review_home, name="review_home"),
    path("qa/reviews/<int:pk>/", reviews.review_detail, name="review_detail"),
    path("qa/reviews/<int:pk>/start/", reviews.review_start_view, name="review_start"),
    path("qa/reviews/<int:pk>/save/", reviews.review_save_view, name="review_save"),
    path("qa/reviews/<int:pk>/acknowledge/", reviews.review_acknowledge_view, name="review_acknowledge"),
    path("qa/reviews/<int:pk>/dispute/", reviews.review_dispute_view, name="review_dispute"),
    path("qa/reviews/<int:pk>/decide/", reviews.review_decide_view, name="review_decide"),
    path("qa/scorecards/", reviews.scorecard_list_view, name="scorecard_list"),
    path("qa/scorecards/new/", reviews.scorecard_edit_view, name="scorecard_new"),
    path("qa/scorecards/<int:pk>/", reviews.scorecard_edit_view, name="scorecard_edit"),
    path("qa/calibration/new/", reviews.calibration_new, name="calibration_new"),
    path("qa/calibration/<int:pk>/", reviews.calibration_detail, name="calibration_detail"),
    path("qa/calibration/<int:pk>/close/", reviews.calibration_close_view, name="calibration_close"),
]
