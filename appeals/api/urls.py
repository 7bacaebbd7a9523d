from rest_framework.routers import DefaultRouter

from appeals.api.views import AppealViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("appeals", AppealViewSet, basename="appeal")

urlpatterns = router.urls
