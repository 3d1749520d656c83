from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language
from rest_framework.authtoken.models import Token

from crm_project.accounts.forms import CrmPasswordChangeForm, LanguageForm, LoginForm
from crm_project.accounts.services import api_token_revoke, api_token_rotate, user_set_language
from crm_project.core.audit import request_ip


@require_POST
def language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language: saved on the user when signed in, and in the cookie.

    Django's set_language sets the cookie and redirects to a safe `next`.
    """
    form = LanguageForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Choose one of the offered languages."))
    if request.user.is_authenticated:
        user_set_language(actor=request.user, language=form.cleaned_data["language"])
    return set_language(request)


class LoginView(auth_views.LoginView):
    form_class = LoginForm


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = CrmPasswordChangeForm
    # Own template names: the Django admin renders registration/password_change_*.html.
    template_name = "accounts/password_change_form.html"


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


class LogoutView(auth_views.LogoutView):
    """Django's POST-only logout, saying so on the login page it leads to."""

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        messages.info(request, _("You have signed out."))
        return response


def locked_out(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """django-axes' answer to a sign-in from a locked-out account or address (HTTP 429)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {"cooloff_minutes": minutes, "failure_limit": settings.AXES_FAILURE_LIMIT}
    return render(request, settings.AXES_LOCKOUT_TEMPLATE, context, status=429)


def _token_page(request: HttpRequest, *, new_key: str = "") -> HttpResponse:
    token = Token.objects.filter(user=request.user).first()
    return render(request, "accounts/api_token.html", {"token": token, "new_key": new_key})


@require_GET
@login_required
def api_token(request: HttpRequest) -> HttpResponse:
    """The user's own API token: whether there is one and since when, never the key itself."""
    return _token_page(request)


@never_cache
@require_POST
@login_required
def api_token_rotate_view(request: HttpRequest) -> HttpResponse:
    """Create or replace the user's token; the key is shown in this one response only."""
    token = api_token_rotate(actor=request.user, user=request.user, ip_address=request_ip(request))
    return _token_page(request, new_key=token.key)


@require_POST
@login_required
def api_token_revoke_view(request: HttpRequest) -> HttpResponse:
    if api_token_revoke(actor=request.user, user=request.user, ip_address=request_ip(request)):
        messages.success(request, _("Your API token has been revoked."))
    return redirect("api_token")
