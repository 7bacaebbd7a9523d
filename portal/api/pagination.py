"""Pagination for big lists: keyset (cursor) pagination never counts the whole table."""

from rest_framework.pagination import CursorPagination


class BoundedCursorPagination(CursorPagination):
    page_size = 25
    max_page_size = 100
    page_size_query_param = "page_size"
    ordering = "-id"
