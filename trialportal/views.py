from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse
from django.utils import translation
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from .languages import without_language


@require_GET
@cache_control(max_age=60 * 60, public=True)
def robots_txt(request):
    """Crawlers may read every public page; staff previews, the admin and the follow
    app's forms and emailed links are not for them."""
    lines = ["User-agent: *", f"Disallow: {reverse('admin:index')}"]
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            preview = reverse("trials:preview", kwargs={"slug": "SLUG"}).replace("SLUG", "*")
            follow = reverse("follow:check_inbox").removesuffix("check-your-inbox/")
        lines += [f"Disallow: {preview}", f"Disallow: {follow}"]
    # Addresses without a language redirect to one; the follow links in emails sent before
    # the languages had their own addresses are no more for crawlers than the others.
    lines += [f"Disallow: {without_language(follow)}"]
    lines += ["", f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def hello_world(request):
    """The framework's ceiling for benchmarks/load.py: the same server, settings and
    middleware as every page, and no work of its own. Routed only with
    TRIALPORTAL_BENCHMARK_HELLO on."""
    return HttpResponse("Hello, world\n", content_type="text/plain; charset=utf-8")
