from django.urls import path

from approvals import views

app_name = "approvals"

urlpatterns = [
    path("approvals/", views.approval_queue, name="approval_queue"),
    path("approvals/new/", views.approval_new, name="approval_new"),
    path("approvals/<int:pk>/cancel/", views.approval_cancel_view, name="approval_cancel"),
    path("approvals/<int:pk>/<str:decision>/", views.approval_decide, name="approval_decide"),
]
