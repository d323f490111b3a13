from django.contrib import admin
from django.urls import path

admin.site.site_header = "Debate Record"
admin.site.site_title = "Debate Record admin"
admin.site.index_title = "Record debates and publish reports"

urlpatterns = [
    path("admin/", admin.site.urls),
]
