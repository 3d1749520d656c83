"""The options of model selects, kept between requests until their model changes.

The list pages' filter forms offer every manager, lead source and status. Building those options
on each request (a query, a hundred model instances and their labels) was a sixth of the
journal's CPU at a million interactions (bench/README.md). `cache_choices(form, ...)` keeps a
field's options in the process instead, keyed by the field, its SQL and the active language.

A kept list is used while its model's *version* in the shared cache is the one it was built
under. Any save or delete of that model changes the version at once (the same request sees its
own change) and again after the commit, so a request that read the data between the first change
and the commit cannot keep the old options under the new version. Bulk updates send no signals:
CHOICES_TTL bounds how long they may go unseen. While the shared cache is down nothing is kept
and nothing fails: the options are read from the database as before.

Only for querysets that read nothing but their own model's table: options that depend on other
data (say, the managers who have worked with one client) must not be cached here.
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from typing import Any

from django import forms
from django.core.cache import cache
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save
from django.utils import translation

logger = logging.getLogger(__name__)

CHOICES_TTL = 300.0
MAX_LISTS = 512
VERSION_KEY = "crm:choices-version:{label}"

_lists: OrderedDict[tuple, tuple[object, float, list[tuple[Any, str]]]] = OrderedDict()
_lock = threading.Lock()
# Replaced, never changed in place: a save in one thread iterates it while a request in
# another may add a model.
_watched: frozenset[type[models.Model]] = frozenset()
_local_versions = itertools.count()


def model_version(model: type[models.Model]) -> object | None:
    """The model's version, or None when the shared cache cannot say (nothing is kept then)."""
    try:
        return cache.get(VERSION_KEY.format(label=model._meta.label_lower), 0)
    except Exception:  # any cache backend's error: read from the database
        logger.warning("select options: the cache is unavailable", exc_info=True)
        return None


def bump_model_version(model: type[models.Model]) -> None:
    key = VERSION_KEY.format(label=model._meta.label_lower)
    try:
        # A value no other process can hold: a restarted cache or a cache without incr still
        # invalidates (the counter only has to differ from what was read before).
        cache.set(key, f"{time.time_ns()}-{next(_local_versions)}", timeout=None)
    except Exception:  # a save must not fail because the cache is down
        # Readers cannot read the version either, so they keep nothing; lists kept before the
        # outage expire within CHOICES_TTL.
        logger.warning("select options: could not mark %s changed", model, exc_info=True)


# Saves that change nothing an option shows or filters on (every sign-in saves last_login).
IGNORED_UPDATES = frozenset({"last_login"})


def _watch(model: type[models.Model]) -> None:
    global _watched
    if model not in _watched:
        with _lock:
            _watched = _watched | {model}


def _model_changed(sender: type[models.Model], **kwargs: Any) -> None:
    update_fields = kwargs.get("update_fields")
    if update_fields and set(update_fields) <= IGNORED_UPDATES:
        return
    for model in _watched:
        if issubclass(sender, model):
            bump_model_version(model)
            transaction.on_commit(lambda model=model: bump_model_version(model))


post_save.connect(_model_changed, dispatch_uid="crm-choices-save")
post_delete.connect(_model_changed, dispatch_uid="crm-choices-delete")


def clear() -> None:
    """Forget every kept list (tests, where a rolled-back row must not linger)."""
    with _lock:
        _lists.clear()


def _key(field: forms.ModelChoiceField, queryset: models.QuerySet) -> tuple:
    sql, params = queryset.query.sql_with_params()
    return (
        type(field).__module__,
        type(field).__qualname__,
        getattr(field.label_from_instance, "__qualname__", ""),
        str(field.empty_label),
        str(getattr(field, "null_label", None)),
        getattr(field, "to_field_name", None),
        translation.get_language(),
        sql,
        tuple(map(str, params)),
    )


class _CachedIteration:
    """Mixed into a field's own iterator class (django-filter adds its null option in one)."""

    def __iter__(self) -> Iterator[tuple[Any, str]]:
        if self.field.empty_label is None:
            yield from self._kept()
            return
        # First, before any lookup, as Django's iterator does: Select.use_required_attribute reads
        # only this first option on every render.
        yield ("", self.field.empty_label)
        yield from self._kept()[1:]

    def _kept(self) -> list[tuple[Any, str]]:
        model = self.queryset.model
        _watch(model)
        key = _key(self.field, self.queryset)
        version = model_version(model)
        if version is None:
            return [self._plain(value, label) for value, label in super().__iter__()]
        now = time.monotonic()
        with _lock:
            kept = _lists.get(key)
            if kept is not None and kept[0] == version and now - kept[1] < CHOICES_TTL:
                _lists.move_to_end(key)
                return kept[2]
        options = [self._plain(value, label) for value, label in super().__iter__()]
        with _lock:
            _lists[key] = (version, now, options)
            while len(_lists) > MAX_LISTS:
                _lists.popitem(last=False)
        return options

    @staticmethod
    def _plain(value: Any, label: Any) -> tuple[Any, str]:
        if isinstance(value, forms.models.ModelChoiceIteratorValue):
            value = value.value
        return value, str(label)

    def __len__(self) -> int:
        return len(self._kept())

    def __bool__(self) -> bool:
        return bool(self._kept())


_iterator_classes: dict[type, type] = {}


def cache_choices(form: forms.BaseForm, *names: str) -> forms.BaseForm:
    """Serve the named model choice fields' options from the process (see the module doc)."""
    for name in names:
        field = form.fields[name]
        base = field.iterator
        if issubclass(base, _CachedIteration):
            continue
        if base not in _iterator_classes:
            _iterator_classes[base] = type(f"Cached{base.__name__}", (_CachedIteration, base), {})
        field.iterator = _iterator_classes[base]
        field.widget.choices = field.choices
    return form
