"""/operator/: the operators' admin for clients' personal data, and nothing else.

Every write goes through clients.services (personal_record_save / _delete, client_merge,
correction_request_resolve), so the operator admin is audited exactly like the API.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.forms.models import construct_instance
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clients.forms import VERSION_FIELD, show_conflict, version_field
from clients.models import (
    Client,
    ContactPerson,
    CorrectionRequest,
    Email,
    LeadSource,
    Phone,
    PostalAddress,
)
from clients.services import (
    DuplicateContactError,
    RecordChangedError,
    client_merge,
    correction_request_resolve,
    personal_record_check,
    personal_record_delete,
    personal_record_save,
)
from clients.services.versions import (
    conflict_form_message,
    is_versioned,
    missing_version_message,
)
from crm_project.core import phones
from crm_project.core.audit import request_ip
from crm_project.core.capabilities import Capability, has_capability


class OperatorAuthenticationForm(AdminAuthenticationForm):
    """Operators are not `is_staff`: the role decides, like everywhere else."""

    def confirm_login_allowed(self, user: Any) -> None:
        if not has_capability(user, Capability.USE_OPERATOR_ADMIN):
            raise ValidationError(
                self.error_messages["invalid_login"],
                code="invalid_login",
                params={"username": self.username_field.verbose_name},
            )


class OperatorAdminSite(admin.AdminSite):
    site_header = gettext_lazy("Client data (operators)")
    site_title = gettext_lazy("Client data")
    index_title = gettext_lazy("Clients' personal data")
    login_form = OperatorAuthenticationForm
    enable_nav_sidebar = False

    def has_permission(self, request: HttpRequest) -> bool:
        return has_capability(request.user, Capability.USE_OPERATOR_ADMIN)


operator_site = OperatorAdminSite(name="operator_admin")


def existing_record_link(error: DuplicateContactError, site_name: str) -> str:
    url = reverse(f"{site_name}:clients_client_change", args=[error.client.pk])
    return format_html(
        '{} <a href="{}">{}</a>', error.messages[0], url, _("Open the existing client")
    )


class PersonalDataForm(forms.ModelForm):
    """Runs the service's checks before saving, so a duplicate is a form error with a link."""

    admin_site_name = "operator_admin"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.errors or (self.empty_permitted and not self.has_changed()):
            return cleaned
        record = construct_instance(self, _copy(self.instance))
        try:
            personal_record_check(record=record)
        except DuplicateContactError as error:
            field = next(iter(error.error_dict))
            self.add_error(
                field if field in self.fields else None,
                existing_record_link(error, self.admin_site_name),
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    self.add_error(field if field in self.fields else None, errors)
            else:
                self.add_error(None, error)
        return cleaned


def _copy(instance: Any) -> Any:
    import copy

    return copy.copy(instance)


class VersionedPersonalDataForm(PersonalDataForm):
    """A client or contact person form carrying the version it was loaded with.

    Saved over someone else's change made meanwhile, it comes back with the conflict named,
    the operator's input kept and the saved values shown next to it (the service, which
    compares the versions again under a row lock, is the real guard).
    """

    version = version_field(required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.initial.setdefault(VERSION_FIELD, self.instance.version)

    def has_changed(self) -> bool:
        # Someone else's save moves the version: that alone is no change of this form's.
        return any(name != VERSION_FIELD for name in self.changed_data)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.instance.pk is None or VERSION_FIELD in self.errors or not self.has_changed():
            return cleaned
        seen = cleaned.get(VERSION_FIELD)
        if seen is None:
            # Said on top: an error on the hidden field itself would not be shown.
            show_conflict(self, self.instance, missing_version_message())
        elif seen != self.instance.version:
            show_conflict(self, self.instance, conflict_form_message(self.instance))
        return cleaned


class VersionedAdminMixin:
    """Adds the hidden version to the forms of versioned models (clients, contact persons)."""

    model: Any

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fields = list(super().get_fields(request, obj))  # type: ignore[misc]
        if is_versioned(self.model) and VERSION_FIELD not in fields:
            fields.append(VERSION_FIELD)
        return fields

    def get_exclude(self, request: HttpRequest, obj: Any = None) -> list[str] | None:
        exclude = super().get_exclude(request, obj)  # type: ignore[misc]
        if not is_versioned(self.model):
            return exclude
        # The model field is not editable: the form's own hidden field stands in for it.
        return [*(exclude or []), VERSION_FIELD]


class ServiceBackedAdmin(VersionedAdminMixin, admin.ModelAdmin):
    """Role-based permissions and writes through clients.services."""

    form = PersonalDataForm

    def _allowed(self, request: HttpRequest) -> bool:
        return has_capability(request.user, Capability.EDIT_PERSONAL_DATA)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def get_form(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, **kwargs)
        form.admin_site_name = self.admin_site.name
        return form

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except RecordChangedError:
            # Someone saved between the form's check and the locked write (the whole save was
            # rolled back): the form, validated again, now finds the new version and shows
            # the conflict with the operator's input kept.
            return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        personal_record_save(
            actor=request.user,
            record=obj,
            ip_address=request_ip(request),
            expected_version=form.cleaned_data.get(VERSION_FIELD),
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        personal_record_delete(actor=request.user, record=obj, ip_address=request_ip(request))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for obj in queryset:
            self.delete_model(request, obj)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        instances = formset.save(commit=False)
        seen_versions = {
            id(inline_form.instance): inline_form.cleaned_data.get(VERSION_FIELD)
            for inline_form in formset.forms
            if hasattr(inline_form, "cleaned_data")
        }
        for obj in formset.deleted_objects:
            personal_record_delete(actor=request.user, record=obj, ip_address=request_ip(request))
        for obj in instances:
            personal_record_save(
                actor=request.user,
                record=obj,
                ip_address=request_ip(request),
                expected_version=seen_versions.get(id(obj)),
            )
        formset.save_m2m()


class ServiceBackedInline(VersionedAdminMixin, admin.TabularInline):
    form = PersonalDataForm
    extra = 0

    def _allowed(self, request: HttpRequest) -> bool:
        return has_capability(request.user, Capability.EDIT_PERSONAL_DATA)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        formset.form.admin_site_name = self.admin_site.name
        contact_field = formset.form.base_fields.get("contact")
        if contact_field is not None:
            # Only this client's contact persons, not the whole base in a select.
            contact_field.queryset = ContactPerson.objects.filter(client=obj)
        return formset


CONSENT_FIELDS = ["consent", "consent_at", "consent_source"]


class PhoneInline(ServiceBackedInline):
    model = Phone
    fields = ["contact", "number_raw", "number_e164", "kind", *CONSENT_FIELDS]
    readonly_fields = ["number_e164"]


class EmailInline(ServiceBackedInline):
    model = Email
    fields = ["contact", "address", *CONSENT_FIELDS]


class PostalAddressInline(ServiceBackedInline):
    model = PostalAddress
    fields = ["contact", "postcode", "city", "street", "country"]


class ContactPersonInline(ServiceBackedInline):
    model = ContactPerson
    form = VersionedPersonalDataForm
    fields = ["last_name", "first_name", "middle_name", "position", "is_primary"]
    show_change_link = True


class ContactPhoneInline(ServiceBackedInline):
    model = Phone
    fields = ["number_raw", "number_e164", "kind", *CONSENT_FIELDS]
    readonly_fields = ["number_e164"]


class ContactEmailInline(ServiceBackedInline):
    model = Email
    fields = ["address", *CONSENT_FIELDS]


class ContactPostalAddressInline(ServiceBackedInline):
    model = PostalAddress
    fields = ["postcode", "city", "street", "country"]


class PhoneSearchMixin:
    """Search also finds a record by any spelling of a phone number."""

    phone_lookup: str = ""

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str):  # type: ignore[no-untyped-def]
        results, may_have_duplicates = super().get_search_results(  # type: ignore[misc]
            request, queryset, search_term
        )
        has_digits = any(char.isdigit() for char in search_term)
        e164 = phones.to_e164_or_none(search_term) if has_digits else None
        if e164:
            results |= queryset.filter(self.phone_condition(e164))
        return results, may_have_duplicates

    def phone_condition(self, e164: str) -> Q:
        return Q(number_e164=e164)


class ClientAdmin(PhoneSearchMixin, ServiceBackedAdmin):
    form = VersionedPersonalDataForm
    list_display = ["name", "kind", "status", "responsible_manager", "lead_source", "created_at"]
    list_filter = ["status", "kind", "lead_source"]
    search_fields = ["name", "emails__address", "contacts__last_name", "contacts__first_name"]
    list_select_related = ["responsible_manager", "lead_source"]
    fields = ["kind", "name", "status", "lead_source", "responsible_manager"]
    raw_id_fields = ["responsible_manager"]
    inlines = [ContactPersonInline, PhoneInline, EmailInline, PostalAddressInline]
    actions = ["merge_clients"]
    show_full_result_count = False

    def phone_condition(self, e164: str) -> Q:
        return Q(Exists(Phone.objects.filter(client=OuterRef("pk"), number_e164=e164)))

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # A client changes hands by a transfer (the supervisor's), not by editing its data.
        return ["responsible_manager"] if obj is not None else []

    @admin.action(description=gettext_lazy("Merge the two selected clients"))
    def merge_clients(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        clients = list(queryset.order_by("created_at", "id")[:3])
        if len(clients) != 2:
            self.message_user(request, _("Select exactly two clients to merge."), messages.ERROR)
            return None
        if request.POST.get("confirm") == "yes":
            keep = next((c for c in clients if str(c.pk) == request.POST.get("keep")), None)
            if keep is None:
                self.message_user(request, _("Choose the client to keep."), messages.ERROR)
                return None
            drop = clients[1] if keep is clients[0] else clients[0]
            client_merge(
                actor=request.user, source=drop, target=keep, ip_address=request_ip(request)
            )
            self.message_user(
                request,
                _("“%(drop)s” has been merged into “%(keep)s”.")
                % {"drop": drop.name, "keep": keep.name},
                messages.SUCCESS,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Merge two clients"),
            "clients": clients,
            "opts": self.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "operator/merge_confirm.html", context)


class ContactPersonAdmin(ServiceBackedAdmin):
    form = VersionedPersonalDataForm
    list_display = ["__str__", "client", "position", "is_primary"]
    search_fields = ["last_name", "first_name", "middle_name", "client__name"]
    fields = ["client", "last_name", "first_name", "middle_name", "position", "is_primary"]
    raw_id_fields = ["client"]
    list_select_related = ["client"]
    inlines = [ContactPhoneInline, ContactEmailInline, ContactPostalAddressInline]
    show_full_result_count = False

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        # Channels added on a contact's page belong to the contact's client.
        for inline_form in formset.forms:
            inline_form.instance.client_id = form.instance.client_id
        super().save_formset(request, form, formset, change)


class PhoneAdmin(PhoneSearchMixin, ServiceBackedAdmin):
    list_display = ["number_e164", "number_raw", "kind", "client", "contact", "consent"]
    list_filter = ["consent", "kind"]
    search_fields = ["number_raw", "client__name"]
    fields = ["client", "contact", "number_raw", "kind", *CONSENT_FIELDS]
    raw_id_fields = ["client", "contact"]
    list_select_related = ["client", "contact"]
    show_full_result_count = False


class EmailAdmin(ServiceBackedAdmin):
    list_display = ["address", "client", "contact", "consent", "consent_at", "consent_source"]
    list_filter = ["consent", "consent_source"]
    search_fields = ["address", "client__name"]
    fields = ["client", "contact", "address", *CONSENT_FIELDS]
    raw_id_fields = ["client", "contact"]
    list_select_related = ["client", "contact"]
    show_full_result_count = False


class PostalAddressAdmin(ServiceBackedAdmin):
    list_display = ["__str__", "client", "contact"]
    search_fields = ["city", "street", "postcode", "client__name"]
    fields = ["client", "contact", "postcode", "city", "street", "country"]
    raw_id_fields = ["client", "contact"]
    list_select_related = ["client", "contact"]
    show_full_result_count = False


class LocalizedNamesFormMixin:
    """Edits a picklist's `name_translations` as one text box per language of LANGUAGES.

    `name` stays the default language's; an empty box removes that language's name, and names
    in languages no longer offered are kept.
    """

    instance: Any
    cleaned_data: dict[str, Any]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        translations = self.instance.name_translations or {}
        for code in translated_language_codes():
            self.initial.setdefault(f"name_{code}", translations.get(code, ""))  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()  # type: ignore[misc]
        translations = dict(self.instance.name_translations or {})
        for code in translated_language_codes():
            if f"name_{code}" not in self.fields:  # type: ignore[attr-defined]
                continue  # a form without the box (e.g. fields= narrowed) keeps the name
            name = (cleaned.get(f"name_{code}") or "").strip()
            if name:
                translations[code] = name
            else:
                translations.pop(code, None)
        self.instance.name_translations = translations
        return cleaned


def translated_language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def localized_names_form(base: type[forms.ModelForm]) -> type[forms.ModelForm]:
    """`base` with a `name_<code>` field per language, labelled with the language's own name."""
    fields = {
        f"name_{code}": forms.CharField(label=f"{name} ({code})", max_length=100, required=False)
        for code, name in settings.LANGUAGES
        if code != settings.LANGUAGE_CODE
    }
    return type(f"LocalizedNames{base.__name__}", (LocalizedNamesFormMixin, base), fields)


class LeadSourceAdmin(ServiceBackedAdmin):
    form = localized_names_form(PersonalDataForm)
    exclude = ["name_translations"]
    list_display = ["name", "position", "is_active"]
    search_fields = ["name"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Clients keep their source (PROTECT): a source is retired with `is_active`.
        return False


class CorrectionResolveForm(forms.ModelForm):
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=[
            (CorrectionRequest.Status.DONE, gettext_lazy("Done: the data has been corrected")),
            (CorrectionRequest.Status.REJECTED, gettext_lazy("Rejected")),
        ],
    )

    class Meta:
        model = CorrectionRequest
        fields = ["resolution_note"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        rejected = cleaned.get("decision") == CorrectionRequest.Status.REJECTED
        if rejected and not (cleaned.get("resolution_note") or "").strip():
            self.add_error("resolution_note", _("Say why the request is rejected."))
        return cleaned


class CorrectionRequestAdmin(admin.ModelAdmin):
    """The operators' queue of managers' correction requests."""

    list_display = ["created_at", "client", "field", "proposed_value", "requested_by", "status"]
    list_filter = ["status", "field"]
    search_fields = ["client__name", "proposed_value", "requested_by__username"]
    list_select_related = ["client", "requested_by"]
    readonly_fields = [
        "client_link",
        "field",
        "current_value",
        "proposed_value",
        "comment",
        "requested_by",
        "created_at",
        "status",
        "resolved_by",
        "resolved_at",
    ]
    form = CorrectionResolveForm
    show_full_result_count = False

    def _allowed(self, request: HttpRequest) -> bool:
        return has_capability(request.user, Capability.RESOLVE_CORRECTIONS)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request) and (obj is None or obj.status == obj.Status.OPEN)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return CorrectionRequest.objects.visible_to(request.user)

    @admin.display(description=gettext_lazy("client"))
    def client_link(self, obj: CorrectionRequest) -> str:
        url = reverse(f"{self.admin_site.name}:clients_client_change", args=[obj.client_id])
        return format_html('<a href="{}">{}</a>', url, obj.client)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        try:
            correction_request_resolve(
                actor=request.user,
                request=obj,
                status=form.cleaned_data["decision"],
                note=form.cleaned_data["resolution_note"],
                ip_address=request_ip(request),
            )
        except (ValidationError, PermissionDenied) as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)


operator_site.register(Client, ClientAdmin)
operator_site.register(ContactPerson, ContactPersonAdmin)
operator_site.register(Phone, PhoneAdmin)
operator_site.register(Email, EmailAdmin)
operator_site.register(PostalAddress, PostalAddressAdmin)
operator_site.register(LeadSource, LeadSourceAdmin)
operator_site.register(CorrectionRequest, CorrectionRequestAdmin)
