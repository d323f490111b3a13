from django.urls import path

from . import views
from .feeds import DebatesFeed

app_name = "debates"

urlpatterns = [
    path("", views.home, name="home"),
    path("debates/", views.debate_list, name="debate_list"),
    path("debates/<slug:slug>/", views.debate_detail, name="debate_detail"),
    path("topics/", views.topic_list, name="topic_list"),
    path("topics/<slug:slug>/", views.topic_detail, name="topic_detail"),
    path("provinces/", views.province_list, name="province_list"),
    path("provinces/<slug:slug>/", views.province_detail, name="province_detail"),
    path("speakers/<slug:slug>/", views.speaker_detail, name="speaker_detail"),
    path("search/", views.search, name="search"),
    path("feeds/debates/", DebatesFeed(), name="feed"),
]
