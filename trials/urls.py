from django.urls import path

from . import feeds, views
from .freshness import conditional_public

app_name = "trials"

urlpatterns = [
    path("", views.home, name="home"),
    path("trials/", views.trial_list, name="list"),
    path("trials/<slug:slug>/", views.trial_detail, name="detail"),
    path("trials/<slug:slug>/preview/", views.trial_preview, name="preview"),
    path("cancer-types/<slug:slug>/", views.cancer_type_detail, name="cancer_type"),
    path("glossary/", views.glossary, name="glossary"),
    path("feed/", conditional_public(feeds.TrialsFeed()), name="feed"),
    path("feed/changes/", conditional_public(feeds.StatusChangesFeed()), name="feed_changes"),
    path(
        "feed/cancer-types/<slug:slug>/",
        conditional_public(feeds.CancerTypeFeed()),
        name="feed_cancer_type",
    ),
    path("centre/<str:version>/style.css", views.centre_stylesheet, name="centre_stylesheet"),
    path("centre/<str:version>/logo", views.centre_logo, name="centre_logo"),
    path("centre/<str:version>/font.woff2", views.centre_font, name="centre_font"),
]
