from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from config.login_throttle import ThrottledAuthenticationForm
from orgs import views as org_views

urlpatterns = [
    path("", org_views.home, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            redirect_authenticated_user=True, authentication_form=ThrottledAuthenticationForm
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("orgs/", include("orgs.urls")),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("api/", include("orgs.api.urls")),
    path("api/", include("complaints.api.urls")),
    path("complaints/", include("complaints.urls")),
    path("api/", include("scoring.api.urls")),
    path("scoring/actions/", include("campaigns.action_urls")),
    path("scoring/", include("scoring.urls")),
    path("public/", include("scoring.public_urls")),
    path("r/", include("complaints.resident_urls")),
    path("api/", include("ledgers.api.urls")),
    path("ledgers/", include("ledgers.urls")),
    path("api/", include("campaigns.api.urls")),
    path("campaigns/", include("campaigns.urls")),
]
