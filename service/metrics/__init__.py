"""Prometheus metrics (docs/metrics.md): `collectors` defines and feeds them, `middleware` times requests,
`registry` holds one process's values or the workers' shared files, `lifecycle` wires them into the app."""
