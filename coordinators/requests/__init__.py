"""Coordination requests: the domain layer.

- ``states``: the one table of allowed transitions and ``transition()`` (STYLE.md rule 6).
- ``services``: every write (file, reply, accept, resolve, transfer, site visits, rating, ...).
- ``selectors``: scoped reads for pages and the API, and ``overdue_counts_by_coordinator``.
- ``access``: who may see a request (``CoordinationRequest.objects.visible_to(user)``) and act on it.
- ``sla``: deadlines in working days, pausing the clock.
- ``attachments``: upload checks (size, extension, content) and private storage.
- ``knowledge``: published answers (anonymising, searching).
- ``escalation``: the daily escalation of overdue requests.
"""
