from django.urls import path

from . import views

app_name = "follow"

urlpatterns = [
    path("trials/<slug:slug>/", views.follow_trial, name="trial"),
    path("cancer-types/<slug:slug>/", views.follow_cancer_type, name="cancer_type"),
    path("check-your-inbox/", views.check_inbox, name="check_inbox"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
