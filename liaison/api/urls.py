from rest_framework.routers import DefaultRouter

from liaison.api.views import DepartmentNoticeViewSet, ReferralViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("referrals", ReferralViewSet, basename="referral")
router.register("department-notices", DepartmentNoticeViewSet, basename="department-notice")

urlpatterns = router.urls
