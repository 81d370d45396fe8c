"""Demo data: `manage.py demo` (two branded companies) and `manage.py demo --invoices N`."""
