"""platformxe.terraform (see LAYOUT.md)."""
