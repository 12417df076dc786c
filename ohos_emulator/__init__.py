"""The emulated OpenHarmony device: services, device shell, and the fronts (hdc, SSH, serial)."""
