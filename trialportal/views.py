from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET


@require_GET
@cache_control(max_age=60 * 60, public=True)
def robots_txt(request):
    """Crawlers may read every public page; staff previews, the admin and the follow
    app's forms and emailed links are not for them."""
    preview = reverse("trials:preview", kwargs={"slug": "SLUG"}).replace("SLUG", "*")
    lines = [
        "User-agent: *",
        f"Disallow: {reverse('admin:index')}",
        f"Disallow: {preview}",
        f"Disallow: {reverse('follow:check_inbox').removesuffix('check-your-inbox/')}",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
