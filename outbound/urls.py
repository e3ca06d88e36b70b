from django.urls import path

from outbound import views

app_name = "outbound"

urlpatterns = [
    path("campaigns/", views.campaign_list_view, name="campaign_list"),
    path("campaigns/new/", views.campaign_new, name="campaign_new"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/status/", views.campaign_status_view, name="campaign_status"),
    path("campaigns/<int:pk>/import/", views.campaign_import_view, name="campaign_import"),
    path("campaigns/<int:pk>/work/", views.campaign_work, name="campaign_work"),
    path("campaigns/<int:pk>/outcome/", views.contact_outcome_view, name="contact_outcome"),
]
