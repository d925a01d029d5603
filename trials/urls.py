from django.urls import path

from . import feeds, views
from .freshness import conditional_public

app_name = "trials"

# Under a language prefix (/nl/…, /en/…): trialportal/urls.py.
urlpatterns = [
    path("", views.home, name="home"),
    path("trials/", views.trial_list, name="list"),
    path("trials/<slug:slug>/", views.trial_detail, name="detail"),
    path("trials/<slug:slug>/preview/", views.trial_preview, name="preview"),
    path("cancer-types/<slug:slug>/", views.cancer_type_detail, name="cancer_type"),
    path("glossary/", views.glossary, name="glossary"),
    # Feeds are text for people (titles, summaries, links to pages): one per language.
    path("feed/", conditional_public(feeds.TrialsFeed()), name="feed"),
    path("feed/changes/", conditional_public(feeds.StatusChangesFeed()), name="feed_changes"),
    path(
        "feed/cancer-types/<slug:slug>/",
        conditional_public(feeds.CancerTypeFeed()),
        name="feed_cancer_type",
    ),
]

# The centre's look is the same in every language: one address each, no prefix.
centre_patterns = [
    path("<str:version>/style.css", views.centre_stylesheet, name="stylesheet"),
    path("<str:version>/logo", views.centre_logo, name="logo"),
    path("<str:version>/font.woff2", views.centre_font, name="font"),
]
