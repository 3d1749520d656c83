from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from crm_project.accounts.forms import CrmPasswordChangeForm, LanguageForm, LoginForm
from crm_project.accounts.services import user_set_language


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
