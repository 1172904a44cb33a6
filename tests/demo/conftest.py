"""The demo data set (`manage.py load_demo`), loaded once for every test of this package.

A load takes half a minute or more; the tests here only read it (or change it inside their own
transaction, which rolls back to it). It is loaded inside an outer transaction that each test's
own transaction nests in as a savepoint, and rolled back when the package's last test is done,
so the tests after this package find the reference data alone again.
"""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction


@pytest.fixture(scope="package")
def demo_output(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        out = StringIO()
        call_command("load_demo", "--quiet-accounts", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


@pytest.fixture
def demo(demo_output, db):
    """What load_demo printed; the demo's rows are in the database for the test."""
    return demo_output
