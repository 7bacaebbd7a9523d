from rest_framework.routers import DefaultRouter

from coordination.api.views import CoordinationRequestViewSet, SiteVisitViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("requests", CoordinationRequestViewSet, basename="coordination-request")
router.register("visits", SiteVisitViewSet, basename="site-visit")

urlpatterns = router.urls
