"""Test-only provider ``calderax/tfplugintest`` used by the tfplugin acceptance tests."""
