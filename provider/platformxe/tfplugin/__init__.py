"""platformxe.tfplugin (see LAYOUT.md)."""
