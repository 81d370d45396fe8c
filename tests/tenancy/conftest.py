import pytest


@pytest.fixture(autouse=True)
def _tenant_transactions(settings):
    """These tests prove the tenant scopes themselves, so the gates set the tenant here
    whatever the deployment default (DOORSTEP_TENANT_TRANSACTIONS, docs/adr/0003)."""
    settings.DOORSTEP_TENANT_TRANSACTIONS = True
