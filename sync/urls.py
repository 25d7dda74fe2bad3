from django.urls import path

app_name = "sync"
urlpatterns = []
