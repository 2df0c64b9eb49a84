"""platformxe.registry (see docs/architecture.md)."""
