from rest_framework.routers import DefaultRouter

from coordination.api.views import CoordinationRequestViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("requests", CoordinationRequestViewSet, basename="coordination-request")

urlpatterns = router.urls
