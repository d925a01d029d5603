from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("trials.urls")),
]

# In the site's look, and without the database (trialportal.errors).
handler400 = "trialportal.errors.bad_request"
handler403 = "trialportal.errors.permission_denied"
handler500 = "trialportal.errors.server_error"
