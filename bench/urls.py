"""The site's URLs plus /_bench/hello, the cheapest response the same stack can give: the
baseline bench/load.py measures every page against. Only bench/settings.py selects this."""

from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns


def hello(request):
    return HttpResponse("Hello, world\n", content_type="text/plain; charset=utf-8")


urlpatterns = [path("_bench/hello", hello), *site_urlpatterns]
