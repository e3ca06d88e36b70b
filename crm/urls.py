from django.urls import path

from crm import views

app_name = "crm"

urlpatterns = [
    path("customers/", views.customer_list, name="customer_list"),
    path("customers/new/", views.customer_create_view, name="customer_create"),
    path("customers/lookup/", views.customer_lookup, name="customer_lookup"),
    path("customers/<int:pk>/", views.customer_detail, name="customer_detail"),
    path("customers/<int:pk>/edit/", views.customer_edit, name="customer_edit"),
    path("customers/<int:pk>/timeline/", views.customer_timeline, name="customer_timeline"),
    path("customers/<int:pk>/notes/", views.note_add, name="note_add"),
    path("customers/<int:pk>/calls/start/", views.call_start, name="call_start"),
    path("customers/<int:pk>/do-not-call/", views.customer_do_not_call_view, name="customer_do_not_call"),
    path("customers/<int:pk>/consents/", views.customer_consent_view, name="customer_consent"),
    path("customers/<int:pk>/merge/", views.customer_merge_view, name="customer_merge"),
    path("calls/<int:pk>/", views.call_detail, name="call_detail"),
    path("calls/live/", views.call_bar, name="call_bar"),
    path("calls/<int:pk>/action/", views.call_action, name="call_action"),
    path("calls/<int:pk>/notes/", views.call_notes, name="call_notes"),
    path("calls/<int:pk>/caller/", views.call_caller, name="call_caller"),
    path("calls/<int:pk>/wrap-up/", views.call_wrap_up_view, name="call_wrap_up"),
    path("calls/<int:pk>/side/", views.call_side_panels, name="call_side_panels"),
    path("calls/<int:pk>/canned/", views.call_canned, name="call_canned"),
    path("data-requests/<int:pk>/export.json", views.data_export, name="data_export"),
]
