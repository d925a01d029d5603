from django.urls import path

from . import views

app_name = "trials"

urlpatterns = [
    path("", views.home, name="home"),
    path("trials/", views.trial_list, name="list"),
    path("trials/<slug:slug>/", views.trial_detail, name="detail"),
    path("trials/<slug:slug>/preview/", views.trial_preview, name="preview"),
    path("cancer-types/<slug:slug>/", views.cancer_type_detail, name="cancer_type"),
    path("glossary/", views.glossary, name="glossary"),
]
