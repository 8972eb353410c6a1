from candour.reporting.views import (
    analysis,
    inbox,
    intake,
    intake_actions,
    intake_identity,
    programme,
    report,
)

app_name = "reporting"
urlpatterns = [
    *report.urlpatterns,
    *inbox.urlpatterns,
    *intake.urlpatterns,
    *intake_actions.urlpatterns,
    *intake_identity.urlpatterns,
    *analysis.urlpatterns,
    *programme.urlpatterns,
]
