from rest_framework.routers import DefaultRouter

from compliance.api.views import AssessmentViewSet, ImprovementActionViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("assessments", AssessmentViewSet, basename="assessment")
router.register("improvement-actions", ImprovementActionViewSet, basename="improvement-action")

urlpatterns = router.urls
