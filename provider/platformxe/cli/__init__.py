"""The ``platformxe`` command."""
