"""The portal's URLs plus the benchmark's floor: a minimal view behind the same middleware."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import path

from portal.urls import urlpatterns as portal_urlpatterns


@login_required
def floor(request):
    """The least a signed-in page costs here: the middleware, the session and the user, no template."""
    return HttpResponse(f"ok {request.user.pk}", content_type="text/plain")


urlpatterns = [path("bench/floor/", floor, name="bench-floor"), *portal_urlpatterns]
