"""The emulated devices' fronts: an hdc server, per-device SSH servers and serial consoles."""
