"""PUT, PATCH and DELETE belong to the API: pages, both admin sites and public links refuse them.

Django's form views take PUT as if it were POST and the admin answers any method; a route that
does not accept a method must say 405 instead (the permission matrix checks every route).
"""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed

API_ONLY_METHODS = frozenset({"PUT", "PATCH", "DELETE"})
PAGE_METHODS = ["GET", "HEAD", "OPTIONS", "POST"]


class PageMethodsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        match = request.resolver_match
        if request.method in API_ONLY_METHODS and (match is None or "api" not in match.namespaces):
            return HttpResponseNotAllowed(PAGE_METHODS)
        return None
