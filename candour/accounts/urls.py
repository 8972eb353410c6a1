from django.urls import path

from candour.accounts import views

app_name = "accounts"
urlpatterns = [
    path("sign-in", views.sign_in, name="sign_in"),
    path("sign-in/two-factor", views.two_factor, name="two_factor"),
    path("sign-out", views.sign_out, name="sign_out"),
    path("signed-out", views.session_ended, name="session_ended"),
    path("account/session", views.keep_alive_session, name="keep_alive"),
    path("account", views.account, name="account"),
    path("account/sign-out-everywhere", views.sign_out_everywhere, name="sign_out_everywhere"),
    path(
        "account/activate/<uuid:reference>/set-password",
        views.activate_set_password,
        name="activate_set_password",
    ),
    path("account/activate/<uuid:reference>/<str:token>", views.activate, name="activate"),
    path("users/", views.list_users, name="list_users"),
    path("users/invite", views.invite_user, name="invite_user"),
    path("users/<uuid:reference>", views.show_user, name="show_user"),
    path("users/<uuid:reference>/edit", views.edit_user, name="edit_user"),
    path(
        "users/<uuid:reference>/<slug:action>",
        views.user_action,
        name="user_action",
    ),
]
