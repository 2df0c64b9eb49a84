"""platformxe.client (see LAYOUT.md)."""
