"""Data sources, one module each: :mod:`.custom_event` (one version, or the latest published),
:mod:`.custom_events` (a filtered list), :mod:`.custom_events_health` (plan, usage, recent
failures); :mod:`.registration` holds the registration attributes they share."""
