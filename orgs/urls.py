from django.urls import path

from . import import_views, inbox_views, token_views, user_views, views

app_name = "orgs"
urlpatterns = [
    path("projects/", views.project_list, name="project_list"),
    path("projects/export.xlsx", views.project_export, name="project_export"),
    path("projects/<int:pk>/", views.project_detail, name="project_detail"),
    path("companies/", views.company_list, name="company_list"),
    path("companies/<int:pk>/", views.company_detail, name="company_detail"),
    path("inbox/", inbox_views.inbox, name="inbox"),
    path("inbox/read-all/", inbox_views.inbox_read_all, name="inbox_read_all"),
    path("inbox/<int:pk>/read/", inbox_views.inbox_read, name="inbox_read"),
    path("inbox/<int:pk>/open/", inbox_views.inbox_open, name="inbox_open"),
    path("import/", import_views.import_projects, name="import_projects"),
    path("import/<int:pk>/", import_views.import_job, name="import_job"),
    path("import/<int:pk>/confirm/", import_views.import_confirm, name="import_confirm"),
    path("pick/projects/", views.pick_project, name="pick_project"),
    path("pick/companies/", views.pick_company, name="pick_company"),
    path("pick/townships/", views.pick_township, name="pick_township"),
    path("pick/communities/", views.pick_community, name="pick_community"),
    path("pick/regions/", views.pick_region, name="pick_region"),
    path("pick/departments/", views.pick_department, name="pick_department"),
    path("users/", user_views.user_list, name="user_list"),
    path("users/new/", user_views.user_create, name="user_create"),
    path("users/<int:pk>/", user_views.user_detail, name="user_detail"),
    path("users/<int:pk>/active/", user_views.user_active, name="user_active"),
    path("tokens/", token_views.tokens, name="api_tokens"),
    path("tokens/new/", token_views.token_issue, name="api_token_issue"),
    path("tokens/revoke/", token_views.token_revoke, name="api_token_revoke"),
    path("jobs/<int:pk>/", views.job_status, name="job_status"),
    path("jobs/<int:pk>/download/", views.job_download, name="job_download"),
]
