from django.urls import path

from . import views
from .feeds import ReportsFeed

app_name = "reports"

urlpatterns = [
    path("reports/", views.report_list, name="report_list"),
    path("reports/<slug:slug>/", views.report_detail, name="report_detail"),
    path("feeds/reports/", ReportsFeed(), name="feed"),
]
