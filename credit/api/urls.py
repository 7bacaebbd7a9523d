from django.urls import path
from rest_framework.routers import DefaultRouter

from credit.api.views import CreditEventViewSet, PublicStatusView

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("credit-events", CreditEventViewSet, basename="credit-event")

urlpatterns = [path("public/status/", PublicStatusView.as_view(), name="public-status"), *router.urls]
