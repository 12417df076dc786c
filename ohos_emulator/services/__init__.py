"""The emulated device's system services."""
