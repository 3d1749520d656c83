from django.urls import path

from crm_project.accounts import views

# No self-service password reset by e-mail: administrators set passwords in the admin.
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("language/", views.language, name="language"),
    path("token/", views.api_token, name="api_token"),
    path("token/rotate/", views.api_token_rotate_view, name="api_token_rotate"),
    path("token/revoke/", views.api_token_revoke_view, name="api_token_revoke"),
]
