"""Coordination-request pages: the enterprise's requests, the coordinators' workspace, published answers."""

from django.urls import path

from coordination.views import (
    knowledge as views_knowledge,
)
from coordination.views import (
    requests as views_requests,
)
from coordination.views import (
    workspace as views_workspace,
)

app_name = "coordination"
urlpatterns = [
    path("workspace/", views_workspace.workspace, name="workspace"),
    path("workspace/bulk/", views_workspace.workspace_bulk, name="workspace_bulk"),
    path("workspace/filters/", views_workspace.save_filter, name="save_filter"),
    path("workspace/filters/<int:pk>/delete/", views_workspace.delete_filter, name="delete_filter"),
    path("requests/", views_requests.request_list, name="request_list"),
    path("requests/new/", views_requests.request_create, name="request_create"),
    path("requests/suggestions/", views_requests.answer_suggestions, name="answer_suggestions"),
    path("requests/<int:pk>/", views_requests.request_detail, name="request_detail"),
    path("requests/<int:pk>/reply/", views_requests.request_reply, name="request_reply"),
    path("requests/<int:pk>/actions/<slug:action>/", views_requests.request_action, name="request_action"),
    path("requests/<int:pk>/visit/", views_workspace.schedule_visit, name="schedule_visit"),
    path("requests/<int:pk>/publish/", views_workspace.publish_answer, name="publish_answer"),
    path("visits/<int:pk>/", views_workspace.visit_detail, name="visit_detail"),
    path("visits/<int:pk>/record/", views_workspace.record_visit, name="record_visit"),
    path("visits/files/<int:pk>/", views_workspace.visit_attachment, name="visit_attachment"),
    path("attachments/<int:pk>/", views_requests.attachment_download, name="attachment_download"),
    path("answers/", views_knowledge.knowledge_base, name="knowledge_base"),
    path("answers/<int:pk>/", views_knowledge.answer_detail, name="answer_detail"),
]
