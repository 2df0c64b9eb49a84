"""The Terraform provider ``calderax/platformxe`` (see docs/provider.md and docs/architecture.md).

Top floor, shared by every resource and data source:
- :mod:`.plugin`: the executable; :mod:`.provider`: the provider block and configuration;
- :mod:`.provider_data`: what configuration hands to resources (SDK client, settings, the state
  one process keeps); :mod:`.diagnostics`: findings and SDK failures as diagnostics (the one error
  channel); :mod:`.jsonvalue`: semantic JSON equality; :mod:`.run_context`: whether this run
  destroys (then nothing is judged).

One folder per resource and one for the data sources, each importing only the floor above:
- :mod:`.custom_event`: resource ``platformxe_custom_event`` (schema, validate, plan, verdicts,
  registry calls, state, import ids, and the resource wiring them);
- :mod:`.data_sources`: ``platformxe_custom_event``, ``platformxe_custom_events``,
  ``platformxe_custom_events_health``.
"""
