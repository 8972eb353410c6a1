from django.apps import apps
from django.urls import include, path

from candour.config.api import urls as api_urls
from candour.core import views as core_views

urlpatterns = [
    path("", include("candour.core.urls")),
    path("", include("candour.accounts.urls")),
    path("audit/", include("candour.audit.urls")),
    path("", include("candour.reporting.urls")),
    path("", include("candour.flags.urls")),
    path("", include("candour.learning.urls")),
    path("fhir/", include("candour.flags.fhir_urls")),
    path("api/v1/", api_urls()),
]
# The demo mailbox exists only where the demo app is installed (never in production).
if apps.is_installed("candour.demo"):
    urlpatterns.append(path("demo/", include("candour.demo.urls")))

handler400 = core_views.bad_request
handler403 = core_views.permission_denied
handler404 = core_views.page_not_found
handler500 = core_views.server_error
