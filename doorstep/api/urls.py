"""/api/v1/: one URL module entry per resource (docs/api.md)."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from . import customers

app_name = "api"

urlpatterns = [
    path("customers/", customers.CustomerList.as_view(), name="customers"),
    path("customers/<int:pk>/", customers.CustomerDetail.as_view(), name="customer"),
    path("customers/<int:pk>/contacts/", customers.CustomerContacts.as_view(),
         name="customer_contacts"),
    path("customers/<int:pk>/locations/", customers.CustomerLocations.as_view(),
         name="customer_locations"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
]
