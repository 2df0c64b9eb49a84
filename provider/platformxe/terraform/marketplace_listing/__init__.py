"""Resource ``platformxe_marketplace_listing`` (docs/marketplace.md)."""
