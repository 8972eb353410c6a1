from candour.reporting.views import analysis, inbox, intake, report

app_name = "reporting"
urlpatterns = [
    *report.urlpatterns,
    *inbox.urlpatterns,
    *intake.urlpatterns,
    *analysis.urlpatterns,
]
