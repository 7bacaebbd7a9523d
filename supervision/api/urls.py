from rest_framework.routers import DefaultRouter

from supervision.api.views import RotationViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("rotations", RotationViewSet, basename="rotation")

urlpatterns = router.urls
