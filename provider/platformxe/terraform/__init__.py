"""The Terraform provider ``calderax/platformxe`` (see docs/provider.md).

- :mod:`.provider`: the provider block and configuration; :mod:`.plugin`: the executable.
- :mod:`.custom_event` (+ :mod:`.resource_schema`): resource ``platformxe_custom_event``.
- :mod:`.data_sources`: ``platformxe_custom_event``, ``platformxe_custom_events``,
  ``platformxe_custom_events_health``.
- Pure decisions, unit tested without Terraform: :mod:`.planning` (the plan), :mod:`.validation`
  (offline checks), :mod:`.verdicts` (verdict lines and errors), :mod:`.state` (registry answers
  → state), :mod:`.jsonvalue` (semantic JSON equality), :mod:`.ids` (ids and import ids).
"""
