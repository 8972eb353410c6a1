from django.urls import path

from candour.flags import fhir

app_name = "fhir"

urlpatterns = [
    path("metadata", fhir.capability_statement, name="metadata"),
    path("Flag", fhir.search_flags, name="flag"),
    path("AuditEvent", fhir.search_audit_events, name="audit_event"),
]
