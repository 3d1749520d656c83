"""URL arguments of every route that takes any, from the world's objects of one variant."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType

from clients.operator_admin import operator_site

Objects = dict[str, Any]


def pk(name: str) -> Callable[[Objects], dict[str, Any]]:
    return lambda objects: {"pk": objects[name].pk}


def client_pk(objects: Objects) -> dict[str, Any]:
    return {"client_pk": objects["client"].pk}


def admin_object(site: admin.AdminSite, name: str) -> dict[str, Any]:
    """`object_id` for an admin change/delete/history route: the first row of its model."""
    for model in site._registry:
        prefix = f"{model._meta.app_label}_{model._meta.model_name}_"
        if name.startswith(prefix):
            return {"object_id": model._default_manager.order_by("pk").first().pk}
    raise LookupError(name)


def admin_kwargs(namespace: str, name: str) -> Callable[[Objects], dict[str, Any]] | None:
    site = admin.site if namespace == "admin" else operator_site
    if name == "app_list":
        return lambda objects: {"app_label": "clients"}
    if name == "view_on_site":
        return lambda objects: {
            "content_type_id": ContentType.objects.get_for_model(objects["client"]).pk,
            "object_id": objects["client"].pk,
        }
    if name == "auth_user_password_change":
        return lambda objects: {"id": objects["client"].responsible_manager_id}
    if name.endswith(("_change", "_delete", "_history")) and name != "password_change":
        return lambda objects: admin_object(site, name)
    return None
