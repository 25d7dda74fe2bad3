from django.urls import path

app_name = "psa"
urlpatterns = []
