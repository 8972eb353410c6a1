from candour.reporting.views import analysis, inbox, intake, programme, report

app_name = "reporting"
urlpatterns = [
    *report.urlpatterns,
    *inbox.urlpatterns,
    *intake.urlpatterns,
    *analysis.urlpatterns,
    *programme.urlpatterns,
]
