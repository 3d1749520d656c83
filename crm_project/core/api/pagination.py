from rest_framework import pagination


class CursorPagination(pagination.CursorPagination):
    """Keyset paging: page 1000 costs what page 1 costs, and no page counts the whole table."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "-id"
