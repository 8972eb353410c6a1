from django.urls import path

from candour.demo import views

app_name = "demo"
urlpatterns = [
    path("mail", views.list_mail, name="mail"),
    path("mail/<slug:ident>", views.show_mail, name="mail_message"),
]
