from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemaps
from django.urls import include, path
from django.views.generic import RedirectView

from follow import views as follow_views
from trials.api import api, api_docs
from trials.freshness import conditional_public
from trials.sitemaps import SITEMAPS
from trials.urls import centre_patterns

from .views import hello_world, robots_txt

# Without a language prefix: what staff and machines use (the admin, the API, sitemap and
# robots.txt for crawlers, the probes in trialportal.health) and the centre's look. The
# admin and the API speak the language the browser asks for (Accept-Language).
urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("robots.txt", robots_txt, name="robots_txt"),
    path(
        "sitemap.xml",
        conditional_public(sitemaps.index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        conditional_public(sitemaps.sitemap),
        {"sitemaps": SITEMAPS},
        name="sitemap_section",
    ),
    path("api/", RedirectView.as_view(pattern_name="api_docs"), name="api_root"),
    path("api/v1/docs/", api_docs, name="api_docs"),
    path("api/v1/", api.urls),
    path("centre/", include((centre_patterns, "centre"))),
    # Old emails' one-click unsubscribe: a mail program's POST cannot follow a redirect.
    path("follow/unsubscribe/<str:token>/", follow_views.unsubscribe_without_language),
]

# Pages for people, under /nl/ and /en/. Any of them asked for without a prefix (an old
# printed address, a link in an email sent before) redirects to the visitor's language
# (trialportal.middleware.LanguageMiddleware), query string kept. The follow pages too:
# their emails carry links in the language the visitor subscribed in.
urlpatterns += i18n_patterns(
    path("follow/", include("follow.urls")),
    path("", include("trials.urls")),
)

if settings.TRIALPORTAL_BENCHMARK_HELLO:
    urlpatterns.insert(0, path("benchmark/hello/", hello_world))

# In the site's look, and without the database (trialportal.errors).
handler400 = "trialportal.errors.bad_request"
handler403 = "trialportal.errors.permission_denied"
handler500 = "trialportal.errors.server_error"
