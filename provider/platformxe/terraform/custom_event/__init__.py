"""Resource ``platformxe_custom_event``, one module per step (the scaffolding order):

- :mod:`.schema`: attributes, descriptions, and which attributes force a replacement (the only
  place that says so);
- :mod:`.validate`: offline checks (``terraform validate``);
- :mod:`.plan` (+ :mod:`.verdicts`): the plan — JSON equality, replacement, immutability, status,
  the registry's verdict;
- :mod:`.resource`: create, read, update, delete and import, wired to the plugin framework;
- :mod:`.registry`: this resource's registry calls through the SDK;
- :mod:`.state`: registry answers → state; :mod:`.import_id`: import ids.

The attribute names, label and request body are in :mod:`platformxe.model.custom_event`, shared
with the plan checker. Nothing is imported here, so importing one step loads only what it needs.
"""
