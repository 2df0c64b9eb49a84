"""Federation resources (docs/federation.md): ``schema.py`` and ``resource.py``."""
