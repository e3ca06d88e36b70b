from django.urls import path

from knowledge import views

app_name = "knowledge"

urlpatterns = [
    path("kb/", views.article_list, name="article_list"),
    path("kb/new/", views.article_edit, name="article_create"),
    path("kb/report/", views.knowledge_report, name="report"),
    path("kb/<slug:slug>/", views.article_detail, name="article_detail"),
    path("kb/<slug:slug>/edit/", views.article_edit, name="article_edit"),
    path("kb/<slug:slug>/versions/", views.article_versions, name="article_versions"),
    path("kb/<slug:slug>/versions/<int:number>/restore/", views.article_restore, name="article_restore"),
    path("kb/<slug:slug>/feedback/", views.article_feedback, name="article_feedback"),
    path("kb/<slug:slug>/link/", views.article_link, name="article_link"),
    path("kb/<slug:slug>/script/<int:call_pk>/", views.script_run, name="script_run"),
    path("kb/<slug:slug>/<str:action>/", views.article_workflow, name="article_workflow"),
]
