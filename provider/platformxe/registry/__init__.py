"""platformxe.registry (see LAYOUT.md)."""
