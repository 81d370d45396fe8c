"""What the host's machinery asks of every process: /healthz, /readyz, /metrics
(docs/deploy.md). An entry layer of its own, reachable without signing in, revealing no data."""
