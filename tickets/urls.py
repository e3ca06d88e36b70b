from django.urls import path

from tickets import views

app_name = "tickets"

urlpatterns = [
    path("tickets/", views.ticket_list, name="ticket_list"),
    path("tickets/new/", views.ticket_create, name="ticket_create"),
    path("tickets/search/", views.ticket_search, name="ticket_search"),
    path("tickets/<int:pk>/", views.ticket_detail, name="ticket_detail"),
    path("tickets/<int:pk>/canned/", views.ticket_canned, name="ticket_canned"),
    path("tickets/<int:pk>/status/", views.ticket_status, name="ticket_status"),
    path("tickets/<int:pk>/take/", views.ticket_take, name="ticket_take"),
    path("tickets/<int:pk>/assign/", views.ticket_assign, name="ticket_assign"),
    path("tickets/<int:pk>/transfer/", views.ticket_transfer, name="ticket_transfer"),
    path("tickets/<int:pk>/priority/", views.ticket_priority, name="ticket_priority"),
    path("tickets/<int:pk>/comments/", views.comment_add, name="comment_add"),
    path("tickets/<int:pk>/follow-ups/", views.follow_up_add, name="follow_up_add"),
    path("tickets/from-call/<int:call_pk>/", views.ticket_from_call, name="ticket_from_call"),
    path("follow-ups/<int:pk>/<str:action>/", views.follow_up_finish, name="follow_up_finish"),
]
