"""The two VMs: `debug` (reference interpreter) and, later, `production`."""
