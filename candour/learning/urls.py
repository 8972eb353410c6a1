from candour.learning.views import dashboard, double_coding, saved, search, sharing, traps

app_name = "learning"
urlpatterns = [
    *search.urlpatterns,
    *saved.urlpatterns,
    *sharing.urlpatterns,
    *traps.urlpatterns,
    *double_coding.urlpatterns,
    *dashboard.urlpatterns,
]
