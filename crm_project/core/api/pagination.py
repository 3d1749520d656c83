from rest_framework import exceptions, pagination
from rest_framework.request import Request


class CursorPagination(pagination.CursorPagination):
    """Keyset paging: page 1000 costs what page 1 costs, and no page counts the whole table."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "-id"

    def decode_cursor(self, request: Request) -> pagination.Cursor | None:
        # DRF answers a mangled cursor with 404; it is bad input, so 400 with the field named.
        try:
            return super().decode_cursor(request)
        except exceptions.NotFound:
            raise exceptions.ValidationError(
                {self.cursor_query_param: [str(self.invalid_cursor_message)]}
            ) from None
