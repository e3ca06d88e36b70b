from django.urls import path

from quality import views

app_name = "quality"

urlpatterns = [
    path("survey/<str:token>/", views.survey_page, name="survey"),
]
