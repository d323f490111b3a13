from django.contrib.auth.views import LogoutView
from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.setup, name="two_factor"),
    path("verify/", views.verify, name="verify"),
    # The admin's own logout needs a verified session; this one does not.
    path("logout/", LogoutView.as_view(next_page="admin:login"), name="logout"),
]
