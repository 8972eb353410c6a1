from django.urls import path

from candour.flags.views import admin, health, local_authority

app_name = "flags"

urlpatterns = [
    # Local authority flag managers.
    path("flags/uploads/", local_authority.list_uploads, name="uploads"),
    path("flags/uploads/new/", local_authority.new_upload, name="new_upload"),
    path(
        "flags/uploads/sent-elsewhere/",
        local_authority.list_plans_sent_elsewhere,
        name="sent_elsewhere",
    ),
    path("flags/uploads/<uuid:reference>/", local_authority.show_upload, name="upload"),
    path("flags/contact/", local_authority.edit_contact, name="contact"),
    path("flags/notifications/", local_authority.list_notifications, name="notifications"),
    path(
        "flags/notifications/<uuid:reference>/",
        local_authority.show_notification,
        name="notification",
    ),
    path(
        "flags/notifications/<uuid:reference>/acknowledge/",
        local_authority.acknowledge_notification,
        name="acknowledge",
    ),
    # Health users.
    path("flags/lookup/", health.look_up, name="lookup"),
    # Administrators: lookup alerts and registered systems (API keys).
    path("flags/alerts/", admin.list_alerts, name="alerts"),
    path("flags/alerts/<uuid:reference>/review/", admin.review_alert, name="review_alert"),
    path("flags/systems/", admin.list_clients, name="clients"),
    path("flags/systems/new/", admin.new_client, name="new_client"),
    path("flags/systems/<uuid:reference>/revoke/", admin.revoke_client, name="revoke_client"),
]
