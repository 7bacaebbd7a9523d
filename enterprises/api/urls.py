from rest_framework.routers import DefaultRouter

from enterprises.api.views import EnterpriseViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("enterprises", EnterpriseViewSet, basename="enterprise")

urlpatterns = router.urls
