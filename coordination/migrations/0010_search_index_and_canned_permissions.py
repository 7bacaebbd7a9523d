"""Fill the full-text vectors of the requests and published answers written before search existed
(portal.search: jieba words; the services keep them from now on), and let officers manage their
office's canned responses (managers too, as the ladder climbs)."""

from django.db import migrations

from portal import search
from portal.reference_data import grant, ladder, view_add_change

BATCH = 500
PERMISSIONS = ladder(officer=view_add_change("coordination.cannedresponse"))


def index(apps, schema_editor):
    Request = apps.get_model("coordination", "CoordinationRequest")
    Message = apps.get_model("coordination", "RequestMessage")
    Answer = apps.get_model("coordination", "PublishedAnswer")
    last = 0
    while True:
        rows = list(
            Request.objects.filter(pk__gt=last, search_vector__isnull=True)
            .order_by("pk")
            .values("pk", "subject", "description")[:BATCH]
        )
        if not rows:
            break
        for row in rows:
            public, internal = [], []
            for body, is_internal in Message.objects.filter(request_id=row["pk"]).values_list("body", "is_internal"):
                (internal if is_internal else public).append(body)
            Request.objects.filter(pk=row["pk"]).update(
                search_vector=search.document(
                    ("A", row["subject"]), ("B", row["description"]), ("C", "\n".join(public))
                ),
                internal_search_vector=search.document(("D", "\n".join(internal))) if internal else None,
            )
        last = rows[-1]["pk"]
    for row in Answer.objects.filter(search_vector__isnull=True).values("pk", "title", "question", "answer"):
        Answer.objects.filter(pk=row["pk"]).update(
            search_vector=search.document(("A", row["title"]), ("B", row["question"]), ("C", row["answer"]))
        )


def load(apps, schema_editor):
    index(apps, schema_editor)
    grant(apps, PERMISSIONS, app_labels=("coordination",))


class Migration(migrations.Migration):
    dependencies = [("coordination", "0009_search_saved_filters_canned_responses")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
