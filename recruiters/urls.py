from django.urls import include, path

from recruiters import views

urlpatterns = [
    path("", views.landing, name="landing"),
    path("signup/", views.signup, name="signup"),
    path("home/", views.home, name="home"),
    path("settings/", views.settings_page, name="settings"),
    path("imports/", include("recruiters.imports.urls")),
    path("export/", include("recruiters.exports.urls")),
    path("digest/", include("recruiters.digests.urls")),
    path("recruiters/", views.recruiter_list, name="recruiter_list"),
    path("recruiters/new/", views.RecruiterCreate.as_view(), name="recruiter_create"),
    path("recruiters/<int:pk>/", views.recruiter_detail, name="recruiter_detail"),
    path("recruiters/<int:pk>/edit/", views.RecruiterUpdate.as_view(), name="recruiter_edit"),
    path("recruiters/<int:pk>/delete/", views.RecruiterDelete.as_view(), name="recruiter_delete"),
    path("recruiters/<int:pk>/log/", views.log_interaction, name="log_interaction"),
    path("recruiters/<int:pk>/do/<str:action>/", views.recruiter_action, name="recruiter_action"),
    path("interactions/<int:pk>/edit/", views.InteractionUpdate.as_view(), name="interaction_edit"),
    path(
        "interactions/<int:pk>/delete/",
        views.InteractionDelete.as_view(),
        name="interaction_delete",
    ),
    path("firms/", views.FirmList.as_view(), name="firm_list"),
    path("firms/new/", views.FirmCreate.as_view(), name="firm_create"),
    path("firms/<int:pk>/", views.FirmDetail.as_view(), name="firm_detail"),
    path("firms/<int:pk>/edit/", views.FirmUpdate.as_view(), name="firm_edit"),
    path("firms/<int:pk>/delete/", views.FirmDelete.as_view(), name="firm_delete"),
    path("roles/", views.role_board, name="role_board"),
    path("roles/new/", views.RoleCreate.as_view(), name="role_create"),
    path("roles/<int:pk>/edit/", views.RoleUpdate.as_view(), name="role_edit"),
    path("roles/<int:pk>/delete/", views.RoleDelete.as_view(), name="role_delete"),
    path("roles/<int:pk>/stage/", views.move_role, name="role_move"),
    path("follow-ups/", views.follow_up_list, name="follow_up_list"),
    path("follow-ups/new/", views.FollowUpCreate.as_view(), name="follow_up_create"),
    path("follow-ups/<int:pk>/edit/", views.FollowUpUpdate.as_view(), name="follow_up_edit"),
    path(
        "follow-ups/<int:pk>/<str:action>/",
        views.follow_up_action,
        name="follow_up_action",
    ),
]
