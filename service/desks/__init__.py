"""Help-desk connectors: desk webhooks in (verify, map, enqueue), jobs that route, suggest and write back."""
